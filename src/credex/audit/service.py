"""Writing and reading the audit log. Entries are added to the caller's unit of work, so an
action and its audit entry commit (or roll back) together."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from credex.audit import repository
from credex.audit.actors import parse_actor
from credex.auth.principal import Principal
from credex.db.models import AuditEntry
from credex.errors import NotFound
from credex.issuance.repository import find_visible_credential
from credex.pagination import paginate

ISSUED = "credential.issued"
REVOKED = "credential.revoked"
SUSPENDED = "credential.suspended"
REINSTATED = "credential.reinstated"
VISIBILITY_CHANGED = "credential.visibility_changed"


def record(
    session: Session,
    *,
    action: str,
    actor: str,
    issuer_id: uuid.UUID | None,
    credential_id: uuid.UUID | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditEntry:
    """`details` says what changed (`{"field": [before, after]}` for edits)."""
    who = parse_actor(actor)
    if object_type is None and credential_id is not None:
        object_type, object_id = "credential", str(credential_id)
    entry = AuditEntry(
        id=uuid.uuid4(),
        issuer_id=issuer_id,
        credential_id=credential_id,
        action=action,
        actor=who.name,
        actor_role=who.role,
        actor_token_id=who.token_id,
        reason=reason,
        details=details or {},
        object_type=object_type,
        object_id=object_id,
    )
    session.add(entry)
    return entry


def list_entries(
    session: Session,
    principal: Principal,
    *,
    credential_id: uuid.UUID | None,
    issuer_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[Sequence[AuditEntry], str | None]:
    stmt = repository.entries_visible_to(principal, issuer_id)
    stmt = repository.filtered(stmt, action=action, actor=actor, since=since, until=until)
    if credential_id is not None:
        if find_visible_credential(session, principal, credential_id) is None:
            raise NotFound(f"no credential {credential_id}")
        stmt = stmt.where(AuditEntry.credential_id == credential_id)
    return paginate(
        session,
        stmt,
        created_at=AuditEntry.created_at,
        row_id=AuditEntry.id,
        limit=limit,
        cursor=cursor,
    )
