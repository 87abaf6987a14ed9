"""employer pages and OpenID4VP: name consent, public revocation reasons, presentation requests

- `credentials.show_name` / `share_links.show_name`: the learner's consent to show their name on
  the public page and on the page a share link opens (off unless they choose it).
- `credentials.revocation_public_reason`: the reason the issuer chose to make public (the
  internal `revocation_reason` stays private).
- `presentation_requests`: one OpenID4VP request (DCQL query, nonce, state) and, once answered,
  only the verification report; nothing of the presentation itself is kept.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 23:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import credex.db.base

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("show_name", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("revocation_public_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("show_name", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "presentation_requests",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("preset", sa.String(length=40), nullable=False),
        sa.Column("response_mode", sa.String(length=20), nullable=False),
        sa.Column("dcql_query", _JSON, nullable=False),
        sa.Column("encryption_key", sa.Text(), nullable=True),
        sa.Column("report", _JSON, nullable=True),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presentation_requests")),
        sa.UniqueConstraint("nonce", name=op.f("uq_presentation_requests_nonce")),
        sa.UniqueConstraint("state", name=op.f("uq_presentation_requests_state")),
    )
    with op.batch_alter_table("presentation_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_presentation_requests_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("presentation_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presentation_requests_expires_at"))
    op.drop_table("presentation_requests")
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_column("show_name")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_column("revocation_public_reason")
        batch_op.drop_column("show_name")
