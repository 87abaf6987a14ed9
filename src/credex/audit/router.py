"""`GET /api/v1/audit`: an issuer reads its own audit trail; admins read everyone's."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from credex.audit import service
from credex.audit.schemas import ActorRead, AuditEntryRead
from credex.db.models import AuditEntry
from credex.deps import IssuerPrincipal, SessionDep
from credex.pagination import CursorParam, LimitParam, Page

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


def to_read(entry: AuditEntry) -> AuditEntryRead:
    return AuditEntryRead(
        id=entry.id,
        created_at=entry.created_at,
        action=entry.action,
        issuer_id=entry.issuer_id,
        credential_id=entry.credential_id,
        actor=ActorRead(role=entry.actor_role, token_id=entry.actor_token_id, name=entry.actor),
        reason=entry.reason,
        details=entry.details,
        at=entry.created_at,
        object_type=entry.object_type,
        object_id=entry.object_id,
        changes=entry.details,
    )


@router.get("", summary="Audit log entries (newest first)")
def list_entries(
    *,
    session: SessionDep,
    principal: IssuerPrincipal,
    credential_id: Annotated[uuid.UUID | None, Query(description="one credential's")] = None,
    issuer_id: Annotated[uuid.UUID | None, Query(description="admins: one issuer's")] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="an action, or a family: `credential`")
    ] = None,
    actor: Annotated[
        str | None, Query(max_length=300, description="part of the actor's name, or a role")
    ] = None,
    since: Annotated[datetime | None, Query(description="entries at or after")] = None,
    until: Annotated[datetime | None, Query(description="entries before")] = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[AuditEntryRead]:
    rows, next_cursor = service.list_entries(
        session,
        principal,
        credential_id=credential_id,
        issuer_id=issuer_id,
        action=action,
        actor=actor,
        since=since,
        until=until,
        limit=limit,
        cursor=cursor,
    )
    return Page(items=[to_read(row) for row in rows], next=next_cursor)
