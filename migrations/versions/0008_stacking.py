"""stacking: rules, awards (one per rule and learner), external credentials, pathway shares

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 04:16:56.020906
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import credex.db.base

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stacking_rules",
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("target_achievement_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column(
            "requirement",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "trusted_issuers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_stacking_rules_issuer_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["target_achievement_id"],
            ["achievements.id"],
            name=op.f("fk_stacking_rules_target_achievement_id_achievements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stacking_rules")),
        sa.UniqueConstraint(
            "target_achievement_id", name=op.f("uq_stacking_rules_target_achievement_id")
        ),
    )
    with op.batch_alter_table("stacking_rules", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stacking_rules_issuer_id_created_at", ["issuer_id", "created_at"], unique=False
        )

    op.create_table(
        "external_credentials",
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("learner_id", sa.Uuid(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=200), nullable=False),
        sa.Column("credential_url", sa.String(length=2048), nullable=True),
        sa.Column("credential_issuer", sa.String(length=2048), nullable=False),
        sa.Column("achievement_key", sa.String(length=2048), nullable=False),
        sa.Column("achievement_name", sa.String(length=500), nullable=False),
        sa.Column("awarded_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ects_credits", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("eqf_level", sa.Integer(), nullable=True),
        sa.Column(
            "framework_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "competency_codes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("checked_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "checks",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_external_credentials_issuer_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_external_credentials_learner_id_learners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_credentials")),
        sa.UniqueConstraint(
            "learner_id", "digest", name=op.f("uq_external_credentials_learner_id_digest")
        ),
    )
    with op.batch_alter_table("external_credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_credentials_learner_id"), ["learner_id"], unique=False
        )

    op.create_table(
        "awards",
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("learner_id", sa.Uuid(), nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"], ["credentials.id"], name=op.f("fk_awards_credential_id_credentials")
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_awards_issuer_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_awards_learner_id_learners")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["stacking_rules.id"], name=op.f("fk_awards_rule_id_stacking_rules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_awards_credential_id")),
        sa.UniqueConstraint("rule_id", "learner_id", name=op.f("uq_awards_rule_id_learner_id")),
    )
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_awards_learner_id"), ["learner_id"], unique=False)

    op.create_table(
        "award_components",
        sa.Column("award_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("component_url", sa.String(length=2048), nullable=False),
        sa.Column("digest", sa.String(length=200), nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("external_credential_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_award_components_award_id_awards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_award_components_credential_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["external_credential_id"],
            ["external_credentials.id"],
            name=op.f("fk_award_components_external_credential_id_external_credentials"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_components")),
    )
    with op.batch_alter_table("award_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_components_award_id"), ["award_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_award_components_credential_id"), ["credential_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_award_components_external_credential_id"),
            ["external_credential_id"],
            unique=False,
        )

    op.create_table(
        "pathway_shares",
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("learner_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_pathway_shares_issuer_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_pathway_shares_learner_id_learners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_shares")),
        sa.UniqueConstraint("learner_id", name=op.f("uq_pathway_shares_learner_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pathway_shares_token_hash")),
    )


def downgrade() -> None:
    with op.batch_alter_table("award_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_components_external_credential_id"))
        batch_op.drop_index(batch_op.f("ix_award_components_credential_id"))
        batch_op.drop_index(batch_op.f("ix_award_components_award_id"))

    op.drop_table("award_components")
    with op.batch_alter_table("awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_awards_learner_id"))

    op.drop_table("awards")
    op.drop_table("pathway_shares")
    with op.batch_alter_table("external_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_credentials_learner_id"))

    op.drop_table("external_credentials")
    with op.batch_alter_table("stacking_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_stacking_rules_issuer_id_created_at")

    op.drop_table("stacking_rules")
