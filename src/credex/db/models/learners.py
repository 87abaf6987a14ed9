"""Learners: an issuer's records of the people it awards credentials to.

Keyed by the normalised e-mail address, unique per issuer: the same person at two issuers is two
records, so no issuer learns who else awarded them anything. The plain address stays here; a
credential only ever carries a salted hash of it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey


class Learner(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "learners"
    __table_args__ = (
        UniqueConstraint("issuer_id", "email"),
        # Keyset pagination of one issuer's learners: newest first.
        Index("ix_learners_issuer_id_created_at", "issuer_id", "created_at"),
    )

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    email: Mapped[str] = mapped_column(String(320))  # normalised: trimmed, lower-case
    name: Mapped[str | None] = mapped_column(String(300))
    did: Mapped[str | None] = mapped_column(String(2048))
    external_id: Mapped[str | None] = mapped_column(String(300))
    # Set by the unsubscribe link of an issuance notification: no more mail from this issuer.
    unsubscribed_at: Mapped[datetime | None]
    # BCP 47: credentials go out in this language when the achievement has it.
    preferred_language: Mapped[str | None] = mapped_column(String(35))
