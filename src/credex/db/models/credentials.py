"""Issued credentials, stored exactly as signed (the JSON text or the compact JWS).

Public JSON is never rebuilt from columns: `content` is the signed text byte for byte. The
columns beside it (learner, achievement, status, list index) are what the service queries.
`(status_list_id, status_index)` is unique, which is what makes random index allocation safe
under concurrent issuance; `(issuer_id, idempotency_key)` makes a retried request issue once.
`(token_list_id, token_index)` is the credential's entry in an IETF Token Status List (its
SD-JWT VC form), allocated with the Bitstring entry; `status` is the one status of the record,
shown by both lists (`suspended` only by the token list: OB 3.0 carries one revocation entry).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey

CREDENTIAL_STATUSES = ("active", "suspended", "revoked")
CREDENTIAL_FORMATS = ("ldp", "jwt")


class Credential(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "credentials"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'suspended', 'revoked')", name="status_known"),
        CheckConstraint("format IN ('ldp', 'jwt')", name="format_known"),
        UniqueConstraint("status_list_id", "status_index"),
        UniqueConstraint("token_list_id", "token_index"),
        UniqueConstraint("issuer_id", "idempotency_key"),
        # Keyset pagination of one issuer's credentials: newest first.
        Index("ix_credentials_issuer_id_created_at", "issuer_id", "created_at"),
    )

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    achievement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("achievements.id"), index=True)
    learner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("learners.id"), index=True)
    format: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="active")
    public: Mapped[bool] = mapped_column(default=False)
    # The credential exactly as signed: JSON text (ldp) or the compact JWS (jwt).
    content: Mapped[str] = mapped_column(Text)
    status_list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int]
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    # OB 3.0 `awardedDate` (what stacking time windows count from); None: as `valid_from`.
    awarded_at: Mapped[datetime | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    # IETF Token Status List entry (None for credentials issued before it existed: allocated
    # when their SD-JWT VC form is first rendered or they are suspended).
    token_list_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("status_lists.id"))
    token_index: Mapped[int | None]
    suspended_at: Mapped[datetime | None]
    # What the issuer chose to tell verifiers; `revocation_reason` stays internal.
    revocation_public_reason: Mapped[str | None] = mapped_column(Text)
    # The learner's consent to show their name on the public page.
    show_name: Mapped[bool] = mapped_column(default=False, server_default=false())

    @property
    def document(self) -> dict[str, Any] | None:
        """The signed JSON (ldp), parsed from the stored text; None for a VC-JWT."""
        if self.format != "ldp":
            return None
        parsed: dict[str, Any] = json.loads(self.content)
        return parsed

    @property
    def jwt(self) -> str | None:
        """The compact JWS (jwt format), else None."""
        return self.content if self.format == "jwt" else None
