"""Issuers hold one active key per algorithm (Ed25519 and P-256)

The partial unique index that allowed one active key per issuer now allows one per issuer and
algorithm. Existing issuers get their P-256 key on first need, inside the transaction that needs
it (`credex.keys.service.ensure_active_key`): the key-encryption key that seals private keys is
a run-time setting, not something a migration can rely on.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 23:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("status = 'active'")


def _swap_index(columns: list[str]) -> None:
    with op.batch_alter_table("issuer_keys", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_issuer_keys_one_active", sqlite_where=_ACTIVE, postgresql_where=_ACTIVE
        )
        batch_op.create_index(
            "uq_issuer_keys_one_active",
            columns,
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        )


def upgrade() -> None:
    _swap_index(["issuer_id", "algorithm"])


def downgrade() -> None:
    # Only Ed25519 keys existed before: P-256 keys cannot stay active under the old index.
    op.execute(
        "UPDATE issuer_keys SET status = 'retired' "
        "WHERE algorithm <> 'Ed25519' AND status = 'active'"
    )
    _swap_index(["issuer_id"])
