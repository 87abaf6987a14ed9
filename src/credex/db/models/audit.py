"""The audit log: who did what to which credential, when, and why. Rows are never updated.

`actor` is the label of the token (or system process) that acted; role and token id are kept
in their own columns so a revoked or renamed token still explains the entry.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, UUIDPrimaryKey, utcnow


class AuditEntry(UUIDPrimaryKey, Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_issuer_id_created_at", "issuer_id", "created_at"),
        Index("ix_audit_log_credential_id_created_at", "credential_id", "created_at"),
        Index("ix_audit_log_action_created_at", "action", "created_at"),
    )

    issuer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("issuers.id"))
    credential_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credentials.id"))
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(300))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_token_id: Mapped[uuid.UUID | None]
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # What was changed: "credential", "issuer", "achievement", "key", "token", "account", ...
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
