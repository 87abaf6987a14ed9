"""Competency frameworks and their hierarchical competencies.

A framework version is edited as a draft, published (then immutable, so credentials that align to
its competencies keep meaning what they meant) and finally retired. A new version is a new row
that points at its predecessor; competencies are copied, never shared between versions.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credex.db.base import Base, Timestamps, UUIDPrimaryKey

FRAMEWORK_STATUSES = ("draft", "published", "retired")


class Framework(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "frameworks"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status_known"),
        # At most one draft successor per version, even under concurrent "new version" requests.
        Index(
            "uq_frameworks_draft_successor",
            "previous_version_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    title: Mapped[dict[str, Any]]  # language map: BCP 47 tag -> text
    description: Mapped[dict[str, Any]]
    default_language: Mapped[str] = mapped_column(String(35))
    version: Mapped[str] = mapped_column(String(50))
    publisher: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    license: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    previous_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("frameworks.id"))
    published_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    # Lower-cased titles (all languages) and publisher: portable substring search for `?q=`.
    search_text: Mapped[str] = mapped_column(Text, default="")

    competencies: Mapped[list[Competency]] = relationship(
        back_populates="framework", lazy="raise", passive_deletes=True
    )


class Competency(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "competencies"
    __table_args__ = (
        UniqueConstraint("framework_id", "code"),
        CheckConstraint("eqf_level BETWEEN 1 AND 8", name="eqf_level_range"),
        CheckConstraint("esco_uri IS NULL OR skill_uri IS NULL", name="one_skill_uri"),
    )

    # No separate index: the (framework_id, code) unique constraint leads with framework_id.
    framework_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(100))
    title: Mapped[dict[str, Any]]
    description: Mapped[dict[str, Any]]
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), index=True
    )
    esco_uri: Mapped[str | None] = mapped_column(String(200))
    skill_uri: Mapped[str | None] = mapped_column(String(2000))
    eqf_level: Mapped[int | None]
    skill_type: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    # Lower-cased code and titles (all languages), for `?q=`.
    search_text: Mapped[str] = mapped_column(Text, default="")

    framework: Mapped[Framework] = relationship(back_populates="competencies", lazy="raise")
