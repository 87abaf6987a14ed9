"""The public, read-only progress page behind an unguessable link (`/pathways/{token}`).

Until learners have their own pages, an issuer creates the link with
`POST /api/v1/learners/{id}/pathways/share` and hands it to the learner. Only the SHA-256 of
the token is stored; a new link replaces the old one. The page is `noindex` and sends no
referrer (base security headers), so the link does not leak through search engines or clicks.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from credex.core.stacking import format_decimal
from credex.db.models import Learner
from credex.deps import SessionDep, SettingsDep
from credex.errors import NotFound
from credex.stacking import repository
from credex.stacking.access import hash_token
from credex.stacking.pathways import learner_pathways
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/pathways", route_class=PageRoute, include_in_schema=False)
MAX_TOKEN_CHARS = 100


@router.get("/{token}")
def progress_page(
    token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    share = repository.share_by_token_hash(session, hash_token(token[:MAX_TOKEN_CHARS]))
    learner = session.get(Learner, share.learner_id) if share else None
    if learner is None:
        raise NotFound("there is no progress page at this address")
    views = learner_pathways(session, [learner.id], settings)
    return render(
        request,
        "pathways/progress.html",
        title="Learning pathway progress",
        learner_name=learner.name,
        views=views,
        number=format_decimal,
    )
