"""credential renderings (ELM v3, JAdES-sealed ELM) and issuers' e-seals

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-08 00:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import credex.db.base

revision = "0018"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credential_renderings",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "form IN ('elm', 'elm-jades')", name=op.f("ck_credential_renderings_form_known")
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_renderings_credential_id_credentials"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_renderings")),
        sa.UniqueConstraint(
            "credential_id", "form", name=op.f("uq_credential_renderings_credential_id_form")
        ),
    )
    op.create_table(
        "issuer_seals",
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("certificate_chain", sa.Text(), nullable=False),
        sa.Column("private_key_nonce", sa.LargeBinary(length=12), nullable=False),
        sa.Column("private_key_ciphertext", sa.LargeBinary(length=64), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_issuer_seals_issuer_id_issuers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuer_seals")),
        sa.UniqueConstraint("issuer_id", name=op.f("uq_issuer_seals_issuer_id")),
    )


def downgrade() -> None:
    op.drop_table("issuer_seals")
    op.drop_table("credential_renderings")
