"""recognition: NQF levels, the accreditation registry (replacing trusted_issuers)

Revision ID: 0020
Revises: 0014
Create Date: 2026-12-08 00:50:00.000000
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import credex.db.base
from credex.recognition.nqf import seed_data

revision = "0020"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accreditations",
        sa.Column("issuer", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("accredited_by", sa.String(length=300), nullable=True),
        sa.Column("scope_fields", credex.db.base.JSONType, nullable=False),
        sa.Column("scope_eqf_levels", credex.db.base.JSONType, nullable=False),
        sa.Column("valid_from", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("valid_until", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accreditations")),
    )
    op.create_index(op.f("ix_accreditations_issuer"), "accreditations", ["issuer"])
    # Every trusted-list entry becomes a registry record without an accrediting body.
    op.execute(
        "INSERT INTO accreditations (id, issuer, name, note, scope_fields, scope_eqf_levels,"
        " created_at, updated_at) SELECT id, issuer, name, note, '[]', '[]', created_at,"
        " updated_at FROM trusted_issuers"
    )
    op.drop_table("trusted_issuers")
    nqf_levels = op.create_table(
        "nqf_levels",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("framework", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("eqf", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nqf_levels")),
        sa.UniqueConstraint("country", "level", name=op.f("uq_nqf_levels_country_level")),
    )
    op.create_index(op.f("ix_nqf_levels_country"), "nqf_levels", ["country"])
    _seed_nqf(nqf_levels)
    with op.batch_alter_table("achievements") as batch:
        batch.add_column(sa.Column("nqf", credex.db.base.JSONType, nullable=True))
    with op.batch_alter_table("issuers") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="provider")
        )
    _token_roles("'admin', 'issuer', 'learner', 'endorser'")
    op.create_table(
        "endorsements",
        sa.Column("endorser_id", sa.Uuid(), nullable=False),
        sa.Column("achievement_id", sa.Uuid(), nullable=True),
        sa.Column("endorsed_issuer_id", sa.Uuid(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status_list_id", sa.Uuid(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["endorser_id"], ["issuers.id"], name=op.f("fk_endorsements_endorser_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_endorsements_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["endorsed_issuer_id"],
            ["issuers.id"],
            name=op.f("fk_endorsements_endorsed_issuer_id_issuers"),
        ),
        sa.ForeignKeyConstraint(
            ["status_list_id"],
            ["status_lists.id"],
            name=op.f("fk_endorsements_status_list_id_status_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
        sa.UniqueConstraint(
            "status_list_id",
            "status_index",
            name=op.f("uq_endorsements_status_list_id_status_index"),
        ),
    )
    for column in ("endorser_id", "achievement_id", "endorsed_issuer_id"):
        op.create_index(op.f(f"ix_endorsements_{column}"), "endorsements", [column])
    _create_recognition_tables()


def _create_recognition_tables() -> None:
    op.create_table(
        "rpl_applications",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("achievement_id", sa.Uuid(), nullable=False),
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("outcomes", credex.db.base.JSONType, nullable=False),
        sa.Column("evidence", credex.db.base.JSONType, nullable=False),
        sa.Column("decisions", credex.db.base.JSONType, nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("submitted_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'more_evidence', 'accepted', 'declined')",
            name=op.f("ck_rpl_applications_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_rpl_applications_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_rpl_applications_issuer_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_rpl_applications_credential_id_credentials"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rpl_applications")),
    )
    for column in ("email", "issuer_id"):
        op.create_index(op.f(f"ix_rpl_applications_{column}"), "rpl_applications", [column])
    op.create_table(
        "rpl_evidence_files",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["rpl_applications.id"],
            name=op.f("fk_rpl_evidence_files_application_id_rpl_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rpl_evidence_files")),
    )
    op.create_index(
        op.f("ix_rpl_evidence_files_application_id"),
        "rpl_evidence_files",
        ["application_id"],
    )


def _token_roles(roles: str) -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("ck_api_tokens_role_known"), type_="check")
        batch.create_check_constraint(op.f("ck_api_tokens_role_known"), f"role IN ({roles})")


def _seed_nqf(table: sa.Table) -> None:
    """The shipped referencings (`credex/recognition/nqf_seed.json`), each level with its source."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": uuid.uuid4(),
            "country": country["country"],
            "framework": country["framework"],
            "position": position,
            "created_at": now,
            "updated_at": now,
            **level,
        }
        for country in seed_data()["countries"]
        for position, level in enumerate(country["levels"])
    ]
    op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index(
        op.f("ix_rpl_evidence_files_application_id"),
        table_name="rpl_evidence_files",
    )
    op.drop_table("rpl_evidence_files")
    for column in ("email", "issuer_id"):
        op.drop_index(op.f(f"ix_rpl_applications_{column}"), table_name="rpl_applications")
    op.drop_table("rpl_applications")
    for column in ("endorser_id", "achievement_id", "endorsed_issuer_id"):
        op.drop_index(op.f(f"ix_endorsements_{column}"), table_name="endorsements")
    op.drop_table("endorsements")
    op.execute("DELETE FROM api_tokens WHERE role = 'endorser'")
    _token_roles("'admin', 'issuer', 'learner'")
    with op.batch_alter_table("issuers") as batch:
        batch.drop_column("kind")
    with op.batch_alter_table("achievements") as batch:
        batch.drop_column("nqf")
    op.drop_index(op.f("ix_nqf_levels_country"), table_name="nqf_levels")
    op.drop_table("nqf_levels")
    op.create_table(
        "trusted_issuers",
        sa.Column("issuer", sa.String(length=1000), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_issuers")),
        sa.UniqueConstraint("issuer", name=op.f("uq_trusted_issuers_issuer")),
    )
    op.execute(
        "INSERT INTO trusted_issuers (id, issuer, name, note, created_at, updated_at)"
        " SELECT id, issuer, name, note, created_at, updated_at FROM accreditations a"
        " WHERE a.created_at = (SELECT MIN(b.created_at) FROM accreditations b"
        " WHERE b.issuer = a.issuer)"
    )
    op.drop_index(op.f("ix_accreditations_issuer"), table_name="accreditations")
    op.drop_table("accreditations")
