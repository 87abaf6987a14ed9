"""Token introspection and revocation over the API."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from credex.auth.tokens import revoke_token
from credex.db.models import ApiToken
from credex.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from credex.pagination import CursorParam, LimitParam, Page, paginate

router = APIRouter(prefix="/api/v1", tags=["tokens"])


class TokenRead(BaseModel):
    id: uuid.UUID
    name: str
    role: str
    prefix: str
    issuer_id: uuid.UUID | None
    learner_email: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None


class MeRead(BaseModel):
    token_id: uuid.UUID
    role: str
    name: str
    issuer_id: uuid.UUID | None
    learner_email: str | None


@router.get("/me")
def me(principal: CurrentPrincipal) -> MeRead:
    return MeRead(
        token_id=principal.token_id,
        role=principal.role,
        name=principal.name,
        issuer_id=principal.issuer_id,
        learner_email=principal.learner_email,
    )


@router.get("/tokens")
def list_tokens(
    session: SessionDep, _admin: AdminPrincipal, limit: LimitParam = 50, cursor: CursorParam = None
) -> Page[TokenRead]:
    rows, next_cursor = paginate(
        session,
        select(ApiToken),
        created_at=ApiToken.created_at,
        row_id=ApiToken.id,
        limit=limit,
        cursor=cursor,
    )
    return Page(
        items=[TokenRead.model_validate(r, from_attributes=True) for r in rows], next=next_cursor
    )


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal) -> TokenRead:
    row = revoke_token(session, token_id, caller=principal)
    return TokenRead.model_validate(row, from_attributes=True)
