"""`/api/v1/trusted-issuers`: the admin-maintained list verification reports consult."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from credex.audit.actors import actor_label
from credex.deps import AdminPrincipal, SessionDep
from credex.pagination import CursorParam, LimitParam, Page
from credex.verification import trust
from credex.verification.schemas import TrustedIssuerCreate, TrustedIssuerRead

router = APIRouter(prefix="/api/v1/trusted-issuers", tags=["verification"])


@router.post("", status_code=status.HTTP_201_CREATED)
def add_trusted_issuer(
    data: TrustedIssuerCreate, session: SessionDep, admin: AdminPrincipal
) -> TrustedIssuerRead:
    return TrustedIssuerRead.build(
        trust.add_trusted_issuer(session, data, actor=actor_label(admin))
    )


@router.get("")
def list_trusted_issuers(
    session: SessionDep, _admin: AdminPrincipal, limit: LimitParam = 50, cursor: CursorParam = None
) -> Page[TrustedIssuerRead]:
    rows, next_cursor = trust.list_trusted_issuers(session, limit=limit, cursor=cursor)
    return Page(items=[TrustedIssuerRead.build(row) for row in rows], next=next_cursor)


@router.get("/{entry_id}")
def get_trusted_issuer(
    entry_id: uuid.UUID, session: SessionDep, _admin: AdminPrincipal
) -> TrustedIssuerRead:
    return TrustedIssuerRead.build(trust.get_trusted_issuer(session, entry_id))


@router.delete("/{entry_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_trusted_issuer(
    entry_id: uuid.UUID, session: SessionDep, admin: AdminPrincipal
) -> Response:
    trust.remove_trusted_issuer(session, entry_id, actor=actor_label(admin))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
