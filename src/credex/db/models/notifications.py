"""Issuance notifications: one row per credential, queued in the issuing transaction.

`credential_id` is unique, so no credential is ever announced twice, whatever retries or
concurrent senders do. States: `pending` (due at `next_attempt_at`), `sending` (claimed by a
sender; a crash leaves it there rather than risk a second message), `sent`, `failed` (gave up
after the last retry) and `skipped` (the learner unsubscribed before it was sent).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, UUIDPrimaryKey, utcnow

NOTIFICATION_STATES = ("pending", "sending", "sent", "failed", "skipped")


class CredentialNotification(UUIDPrimaryKey, Base):
    __tablename__ = "credential_notifications"
    __table_args__ = (
        CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'skipped')", name="state_known"
        ),
        Index("ix_credential_notifications_state_next_attempt_at", "state", "next_attempt_at"),
        # The throttle counts what was sent in the last minute on every poll.
        Index("ix_credential_notifications_sent_at", "sent_at"),
    )

    credential_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("credentials.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
