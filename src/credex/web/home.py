"""The home page: what credex is, and the way to each audience's pages."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import undefer

from credex.db.models import Issuer
from credex.deps import ReadSessionDep
from credex.web.templating import PageError, PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "home.html", title="Micro-credentials you can check")


@router.get("/issuers/{issuer_id}/logo")
def issuer_logo(issuer_id: uuid.UUID, session: ReadSessionDep) -> Response:
    """An issuer's uploaded logo (the issuer's `image` points here once one is uploaded)."""
    issuer = session.get(Issuer, issuer_id, options=[undefer(Issuer.logo_data)])
    if issuer is None or not issuer.logo_data or not issuer.logo_media_type:
        raise PageError(404, "Not found", "This issuer has no logo.")
    return Response(
        issuer.logo_data,
        media_type=issuer.logo_media_type,
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
