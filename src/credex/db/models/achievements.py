"""Achievements: EU micro-credential specifications, rendered as OB 3.0 `Achievement`s.

A specification is edited as a draft, published (then immutable: credentials embed it and must
keep meaning what they meant) and finally retired. A change is a new version: a new row pointing
at its predecessor. Human text is stored as language maps (BCP 47 tag -> text).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey

ACHIEVEMENT_STATUSES = ("draft", "published", "retired")
PARTICIPATION_FORMS = ("online", "onsite", "blended")
SUPERVISION_OPTIONS = (
    "unsupervised_no_id_check",
    "supervised_no_id_check",
    "supervised_with_id_check",
)
STACKABILITY_OPTIONS = ("standalone", "stackable")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Achievement(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "achievements"
    __table_args__ = (
        CheckConstraint(_one_of("status", ACHIEVEMENT_STATUSES), name="status_known"),
        CheckConstraint("eqf_level BETWEEN 1 AND 8", name="eqf_level_range"),
        CheckConstraint("ects_credits >= 0", name="ects_not_negative"),
        CheckConstraint("workload_hours >= 0", name="workload_not_negative"),
        CheckConstraint(_one_of("participation_form", PARTICIPATION_FORMS), name="form_known"),
        CheckConstraint(_one_of("supervision", SUPERVISION_OPTIONS), name="supervision_known"),
        CheckConstraint(_one_of("stackability", STACKABILITY_OPTIONS), name="stackability_known"),
        # At most one draft successor per version, even under concurrent "new version" requests.
        Index(
            "uq_achievements_draft_successor",
            "previous_version_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
        # Keyset pagination of one issuer's list: newest first.
        Index("ix_achievements_issuer_id_created_at", "issuer_id", "created_at"),
    )

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    language: Mapped[str] = mapped_column(String(35))
    version: Mapped[str] = mapped_column(String(50))
    achievement_type: Mapped[str] = mapped_column(String(100))
    name: Mapped[dict[str, Any]]
    description: Mapped[dict[str, Any]]
    criteria_narrative: Mapped[dict[str, Any] | None]
    image: Mapped[str | None] = mapped_column(Text)
    eqf_level: Mapped[int | None]
    ects_credits: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    workload_hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    # [{"description": {lang: text}, "competency_ids": [uuid str], "esco_uris": [uri]}]
    learning_outcomes: Mapped[list[Any]] = mapped_column(default=list)
    assessment_type: Mapped[str | None] = mapped_column(String(1000))
    participation_form: Mapped[str | None] = mapped_column(String(16))
    # Own {"type", "body", "url"}; None means the issuer's default applies.
    quality_assurance: Mapped[dict[str, Any] | None]
    prerequisites: Mapped[dict[str, Any] | None]
    supervision: Mapped[str | None] = mapped_column(String(32))
    # [{"name", "result_type", "allowed_values", "required_value", "value_min", "value_max"}]
    result_descriptions: Mapped[list[Any]] = mapped_column(default=list)
    stackability: Mapped[str | None] = mapped_column(String(16))
    stacks_into: Mapped[list[Any]] = mapped_column(default=list)  # achievement ids (str)
    further_information: Mapped[dict[str, Any] | None]
    validity_months: Mapped[int | None]
    # Mail learners when this achievement is awarded (issue 16); a request may still opt out.
    notify_learners: Mapped[bool] = mapped_column(default=True, server_default=text("true"))
    # {"country": "FR", "level": "5"}: a level of a national framework (see `nqf_levels`).
    nqf: Mapped[dict[str, Any] | None]
    previous_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("achievements.id"), index=True
    )
    published_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
