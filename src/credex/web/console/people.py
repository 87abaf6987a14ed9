"""Learners, with their credentials."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from credex.db.models import Learner
from credex.deps import SessionDep
from credex.issuance.search import CredentialFilter, search_credentials
from credex.learners.service import get_learner
from credex.web.console.access import ConsoleDep
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 50


@router.get("/learners")
def learners(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    query = request.query_params.get("q", "").strip().lower()
    stmt = select(Learner).where(Learner.issuer_id == console.issuer_id)
    if query:
        pattern = "%" + query.replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(
            func.lower(Learner.email).like(pattern) | func.lower(Learner.name).like(pattern)
        )
    rows = session.scalars(stmt.order_by(Learner.email).limit(PAGE_SIZE)).all()
    return render(
        request, "console/learners.html", title="Learners", console=console, rows=rows, q=query
    )


@router.get("/learners/{learner_id}")
def learner(
    learner_id: uuid.UUID, request: Request, session: SessionDep, console: ConsoleDep
) -> Response:
    found = get_learner(session, console.principal, learner_id)
    rows, _total = search_credentials(
        session, console.principal, CredentialFilter(learner_id=found.id), limit=500
    )
    return render(
        request, "console/learner.html", title="Learner", console=console, learner=found, rows=rows
    )
