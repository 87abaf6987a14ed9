"""trusted issuers: the admin-maintained list verification reports consult

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 04:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import credex.db.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_table("trusted_issuers")
