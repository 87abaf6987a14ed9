"""Queries for the audit log. Every tenant query starts from `entries_visible_to`."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, false, select

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
