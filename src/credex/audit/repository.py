"""Queries for the audit log. Every tenant query starts from `entries_visible_to`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Select, false, func, or_, select

from credex.auth.principal import Principal
from credex.db.models import AuditEntry


def entries_visible_to(
    principal: Principal, issuer_id: uuid.UUID | None = None
) -> Select[AuditEntry]:
    """Issuer tokens see their own issuer's entries; admins all (or one issuer's)."""
    stmt = select(AuditEntry)
    if principal.is_admin:
        return stmt if issuer_id is None else stmt.where(AuditEntry.issuer_id == issuer_id)
    if principal.role == "issuer" and principal.issuer_id is not None:
        if issuer_id is not None and issuer_id != principal.issuer_id:
            return stmt.where(false())
        return stmt.where(AuditEntry.issuer_id == principal.issuer_id)
    return stmt.where(false())


def filtered(
    stmt: Select[AuditEntry],
    *,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[AuditEntry]:
    """`action` matches exactly, or a whole family (`credential` matches `credential.*`);
    `actor` matches part of the actor's name (an e-mail address, a token name) or its role."""
    if action:
        stmt = stmt.where(
            or_(AuditEntry.action == action, AuditEntry.action.startswith(action + "."))
        )
    if actor:
        pattern = "%" + actor.lower().replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(
            or_(func.lower(AuditEntry.actor).like(pattern), AuditEntry.actor_role == actor)
        )
    if since is not None:
        stmt = stmt.where(AuditEntry.created_at >= _aware(since))
    if until is not None:
        stmt = stmt.where(AuditEntry.created_at < _aware(until))
    return stmt


def _aware(value: datetime) -> datetime:
    """A time without a zone is read as UTC (stored times are UTC)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
