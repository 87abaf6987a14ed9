"""Recognition of prior learning: a learner's application for an achievement, its evidence.

The four stages of the Council Recommendation of 20 December 2012 on the validation of
non-formal and informal learning map onto `state`: identification and documentation while
`draft` (or `more_evidence`), assessment once `submitted`, certification when `accepted`
(the credential is issued), or `declined` with reasons.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey

APPLICATION_STATES = ("draft", "submitted", "more_evidence", "accepted", "declined")


class RecognitionApplication(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "rpl_applications"
    __table_args__ = (
        CheckConstraint(
            "state IN ('draft', 'submitted', 'more_evidence', 'accepted', 'declined')",
            name="state_known",
        ),
    )

    email: Mapped[str] = mapped_column(String(320), index=True)  # the learner (normalised)
    name: Mapped[str | None] = mapped_column(String(300))
    achievement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("achievements.id"))
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    statement: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[list[Any]] = mapped_column(default=list)  # [{"outcome_id", "text"}]
    evidence: Mapped[list[Any]] = mapped_column(default=list)  # [{"url"} | {"text"}]
    # [{"at", "outcome", "outcomes": [{"outcome_id", "met", "comment"}], "comment", "by"}]
    decisions: Mapped[list[Any]] = mapped_column(default=list)
    credential_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credentials.id"))
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]


class EvidenceFile(UUIDPrimaryKey, Base):
    """An uploaded file, kept as bytes in the database: never on a path, never executed, served
    only as an attachment to its learner and to the assessors of the application's issuer."""

    __tablename__ = "rpl_evidence_files"

    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("rpl_applications.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
