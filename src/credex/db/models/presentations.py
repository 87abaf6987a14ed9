"""OpenID4VP presentation requests: what credex asked a wallet for, and the answer's report.

The wallet's presentation itself is never stored: once it has been checked, only the
verification report (what an employer reads) stays, and that until the request expires and is
swept, unless the employer saves it elsewhere. `nonce` and `state` are unique: a wallet's answer
is matched to exactly one request, and a nonce answers at most once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, UUIDPrimaryKey, utcnow

PRESENTATION_STATES = ("pending", "verified", "failed", "expired")


class PresentationRequest(UUIDPrimaryKey, Base):
    __tablename__ = "presentation_requests"

    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    preset: Mapped[str] = mapped_column(String(40))
    response_mode: Mapped[str] = mapped_column(String(20))
    dcql_query: Mapped[dict[str, Any]]
    # direct_post.jwt: the request's ephemeral private JWK, encrypted with the key-encryption key.
    encryption_key: Mapped[str | None] = mapped_column(Text)
    report: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]
