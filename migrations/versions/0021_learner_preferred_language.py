"""learners.preferred_language: the language credentials go out in by default

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-08 00:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("learners", sa.Column("preferred_language", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("preferred_language")
