"""credentials: an IETF Token Status List entry and the `suspended` status

The SD-JWT VC form of a credential carries `status.status_list {idx, uri}`: its entry in a Token
Status List (a `status_lists` row with purpose `token-status`), allocated at issuance beside the
Bitstring entry. `suspended` joins the credential statuses (shown by the token list only).
Existing credentials get their entry when their SD-JWT VC form is first produced.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-07 23:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from credex.db.base import UTCDateTime

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_list_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("token_index", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("suspended_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_credentials_token_list_id_status_lists"),
            "status_lists",
            ["token_list_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_credentials_token_list_id_token_index"),
            ["token_list_id", "token_index"],
        )
        batch_op.drop_constraint(batch_op.f("ck_credentials_status_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_credentials_status_known"),
            "status IN ('active', 'suspended', 'revoked')",
        )


def downgrade() -> None:
    suspended = op.get_bind().execute(
        sa.text("SELECT count(*) FROM credentials WHERE status = 'suspended'")
    )
    if suspended.scalar_one():
        raise RuntimeError("reinstate or revoke every suspended credential before downgrading")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_credentials_status_known"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_credentials_status_known"), "status IN ('active', 'revoked')"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_credentials_token_list_id_token_index"), type_="unique"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_credentials_token_list_id_status_lists"), type_="foreignkey"
        )
        batch_op.drop_column("suspended_at")
        batch_op.drop_column("token_index")
        batch_op.drop_column("token_list_id")
    op.execute(sa.text("DELETE FROM status_lists WHERE purpose = 'token-status'"))
