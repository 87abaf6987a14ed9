"""conformance (issue 13): credentials.awarded_at

`awarded_at` is the credential's `awardedDate` (OB 3.0), which a stacking rule's time window
counts from; NULL for rows issued before this revision, read as their `valid_from`.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 23:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import credex.db.base

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awarded_at", credex.db.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_column("awarded_at")
