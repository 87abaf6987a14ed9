"""api_tokens.issuer_id references issuers.id

An issuer token can only name an issuer that exists. Issuers are never deleted (there is no
delete endpoint or command; keys and tokens are retired or revoked instead), so the key takes
the default ON DELETE behaviour, like every other reference to `issuers`: deleting an issuer
that still has tokens is refused rather than silently removing their audit trail.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 07:05:42.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_ORPHANS = sa.text(
    "SELECT count(*) FROM api_tokens t WHERE t.issuer_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM issuers i WHERE i.id = t.issuer_id)"
)


def upgrade() -> None:
    orphans = op.get_bind().execute(_ORPHANS).scalar_one()
    if orphans:
        raise RuntimeError(
            f"{orphans} API token(s) name an issuer that does not exist; revoke and delete "
            "them (api_tokens.issuer_id not in issuers.id) before upgrading"
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_api_tokens_issuer_id_issuers"), "issuers", ["issuer_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_api_tokens_issuer_id_issuers"), type_="foreignkey")
