"""Issuers hold one active key per algorithm (Ed25519 and P-256) and choose did:web or did:key

The partial unique index that allowed one active key per issuer now allows one per issuer and
algorithm. Existing issuers get their P-256 key on first need, inside the transaction that needs
it (`credex.keys.service.ensure_active_key`): the key-encryption key that seals private keys is
a run-time setting, not something a migration can rely on.

`issuers.did_method` (`web`, the default for existing issuers, or `key`) and `issuers.did` (a
did:key issuer's primary DID) record the identifier choice; `issuer_keys.controller` is the
did:key that names a key of a did:key issuer.

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
    with op.batch_alter_table("issuers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("did_method", sa.String(length=8), nullable=False, server_default="web")
        )
        batch_op.add_column(sa.Column("did", sa.String(length=128), nullable=True))
    with op.batch_alter_table("issuer_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("controller", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issuer_keys", schema=None) as batch_op:
        batch_op.drop_column("controller")
    with op.batch_alter_table("issuers", schema=None) as batch_op:
        batch_op.drop_column("did")
        batch_op.drop_column("did_method")
    # Only Ed25519 keys existed before: P-256 keys cannot stay active under the old index.
    op.execute(
        "UPDATE issuer_keys SET status = 'retired' "
        "WHERE algorithm <> 'Ed25519' AND status = 'active'"
    )
    _swap_index(["issuer_id"])
