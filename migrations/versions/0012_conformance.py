"""conformance (issue 13): credentials.awarded_at, status list entry sizes, VC-API status entries

- `credentials.awarded_at` is the credential's `awardedDate` (OB 3.0), which a stacking rule's
  time window counts from; NULL for rows issued before this revision, read as `valid_from`.
- `status_lists.status_size`: bits per entry (Bitstring Status List `statusSize`), and
  `holder`: credex's credentials or VC-API entries; one open list per issuer, purpose, size
  and holder.
- `status_entries`: the entries of credentials signed through the VC-API with
  `options.credentialStatus`, and the status the issuer set for each.

Revision ID: 0012
Revises: 0017
Create Date: 2026-12-07 23:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import credex.db.base

revision = "0012"
down_revision = "0017"
branch_labels = None
depends_on = None

_OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awarded_at", credex.db.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status_size", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("holder", sa.String(length=16), server_default="credentials", nullable=False)
        )
        batch_op.drop_index("uq_status_lists_one_open", sqlite_where=_OPEN, postgresql_where=_OPEN)
        batch_op.create_index(
            "uq_status_lists_one_open",
            ["issuer_id", "purpose", "status_size", "holder"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )
    op.create_table(
        "status_entries",
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("credential_id", sa.String(length=2048), nullable=False),
        sa.Column("status_list_id", sa.Uuid(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_status_entries_issuer_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["status_list_id"],
            ["status_lists.id"],
            name=op.f("fk_status_entries_status_list_id_status_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_entries")),
        sa.UniqueConstraint(
            "status_list_id",
            "status_index",
            name=op.f("uq_status_entries_status_list_id_status_index"),
        ),
    )
    op.create_index(
        "ix_status_entries_issuer_id_credential_id",
        "status_entries",
        ["issuer_id", "credential_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_status_entries_issuer_id_credential_id", table_name="status_entries")
    op.drop_table("status_entries")
    with op.batch_alter_table("status_lists", schema=None) as batch_op:
        batch_op.drop_index("uq_status_lists_one_open", sqlite_where=_OPEN, postgresql_where=_OPEN)
        batch_op.create_index(
            "uq_status_lists_one_open",
            ["issuer_id", "purpose"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )
        batch_op.drop_column("holder")
        batch_op.drop_column("status_size")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_column("awarded_at")
