"""Stacking: rules that combine credentials into a larger one, the awards they made, the
external credentials learners bring, and the read-only links to a learner's progress.

`awards` holds one row per (rule, learner), written in the same transaction as the stacked
credential: the unique constraint is what makes "issued exactly once" hold under concurrent
triggers. Each award keeps the components it was based on, with their digests as listed in
the stacked credential, so the issuer can find the stacked credentials a revocation affects.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey


class StackingRule(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "stacking_rules"
    __table_args__ = (
        # Keyset pagination of one issuer's rules: newest first.
        Index("ix_stacking_rules_issuer_id_created_at", "issuer_id", "created_at"),
    )

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    # One rule per target: two rules for one achievement could award it twice.
    target_achievement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("achievements.id"), unique=True
    )
    name: Mapped[str | None] = mapped_column(String(300))
    requirement: Mapped[dict[str, Any]]  # `credex.core.stacking.Requirement` as JSON
    trusted_issuers: Mapped[list[Any]] = mapped_column(default=list)  # issuer ids (DIDs, URLs)
    active: Mapped[bool] = mapped_column(default=True)


class Award(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "awards"
    __table_args__ = (UniqueConstraint("rule_id", "learner_id"),)

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    rule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stacking_rules.id"))
    learner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("learners.id"), index=True)
    # Set in the same transaction, right after the claim row is inserted.
    credential_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("credentials.id"), unique=True
    )


class AwardComponent(UUIDPrimaryKey, Base):
    __tablename__ = "award_components"

    award_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("awards.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    component_url: Mapped[str] = mapped_column(String(2048))  # the relatedResource `id`
    digest: Mapped[str] = mapped_column(String(200))  # its `digestMultibase`
    credential_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("credentials.id"), index=True
    )
    external_credential_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("external_credentials.id"), index=True
    )


class ExternalCredential(UUIDPrimaryKey, Timestamps, Base):
    """A credential from another issuer, submitted for a learner and verified before it counts."""

    __tablename__ = "external_credentials"
    __table_args__ = (UniqueConstraint("learner_id", "digest"),)

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))  # the learner's
    learner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("learners.id"), index=True)
    format: Mapped[str] = mapped_column(String(8))
    content: Mapped[str] = mapped_column(Text)  # exactly as submitted
    digest: Mapped[str] = mapped_column(String(200))
    credential_url: Mapped[str | None] = mapped_column(String(2048))
    credential_issuer: Mapped[str] = mapped_column(String(2048))  # the issuer id it states
    achievement_key: Mapped[str] = mapped_column(String(2048))
    achievement_name: Mapped[str] = mapped_column(String(500))
    awarded_at: Mapped[datetime]
    ects_credits: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    eqf_level: Mapped[int | None]
    framework_ids: Mapped[list[Any]] = mapped_column(default=list)
    competency_codes: Mapped[list[Any]] = mapped_column(default=list)
    verified: Mapped[bool] = mapped_column(default=False)
    checked_at: Mapped[datetime]
    checks: Mapped[list[Any]] = mapped_column(default=list)  # the last verification's checks


class PathwayShare(UUIDPrimaryKey, Timestamps, Base):
    """An unguessable read-only link to one learner's progress; a new one replaces the old."""

    __tablename__ = "pathway_shares"

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    learner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("learners.id"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex
