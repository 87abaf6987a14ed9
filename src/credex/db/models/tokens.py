"""API bearer tokens: only a SHA-256 hash is stored; the token itself is shown once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, UUIDPrimaryKey, utcnow


class ApiToken(UUIDPrimaryKey, Base):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'issuer', 'learner', 'endorser')", name="role_known"),
    )

    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    # 64 hex chars of SHA-256(token); tokens carry 256 random bits, so no salt or KDF is needed.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    issuer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("issuers.id"), index=True)
    learner_email: Mapped[str | None] = mapped_column(String(320), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
