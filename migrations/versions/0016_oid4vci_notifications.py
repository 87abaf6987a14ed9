"""OID4VCI issuer and issuance notifications (issue 16)

OAuth codes, access tokens, nonces, credential offers and deliveries (all secrets hashed), the
per-credential notification queue (one row per credential, unique), the per-achievement
`notify_learners` switch, the learner's unsubscription and the outbox's HTML alternative.

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-07 23:47:43.905119
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import credex.db.base

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oid4vci_nonces",
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_nonces")),
        sa.UniqueConstraint("nonce_hash", name=op.f("uq_oid4vci_nonces_nonce_hash")),
    )
    with op.batch_alter_table("oid4vci_nonces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oid4vci_nonces_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "credential_notifications",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'skipped')",
            name=op.f("ck_credential_notifications_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_notifications_credential_id_credentials"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_notifications")),
        sa.UniqueConstraint(
            "credential_id", name=op.f("uq_credential_notifications_credential_id")
        ),
    )
    with op.batch_alter_table("credential_notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credential_notifications_state_next_attempt_at",
            ["state", "next_attempt_at"],
            unique=False,
        )
        batch_op.create_index("ix_credential_notifications_sent_at", ["sent_at"], unique=False)

    op.create_table(
        "oauth_access_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("learner_email", sa.String(length=320), nullable=True),
        sa.Column("client_id", sa.String(length=500), nullable=True),
        sa.Column(
            "configuration_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_oauth_access_tokens_credential_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_oauth_access_tokens_issuer_id_issuers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_access_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_oauth_access_tokens_token_hash")),
    )
    op.create_table(
        "oid4vci_deliveries",
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("configuration_id", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column(
            "holder_jwk",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("holder_key_thumbprint", sa.String(length=64), nullable=True),
        sa.Column("notification_id_hash", sa.String(length=64), nullable=False),
        sa.Column("delivered_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=True),
        sa.Column("event_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_oid4vci_deliveries_credential_id_credentials"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_deliveries")),
        sa.UniqueConstraint(
            "notification_id_hash", name=op.f("uq_oid4vci_deliveries_notification_id_hash")
        ),
    )
    with op.batch_alter_table("oid4vci_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oid4vci_deliveries_credential_id_delivered_at",
            ["credential_id", "delivered_at"],
            unique=False,
        )

    op.create_table(
        "oid4vci_offers",
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("credential_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("tx_code_hash", sa.String(length=64), nullable=True),
        sa.Column("tx_code_failures", sa.Integer(), nullable=False),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("redeemed_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('email', 'screen', 'api')", name=op.f("ck_oid4vci_offers_channel_known")
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_oid4vci_offers_credential_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_oid4vci_offers_issuer_id_issuers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_offers")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_oid4vci_offers_secret_hash")),
    )
    with op.batch_alter_table("oid4vci_offers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oid4vci_offers_credential_id_created_at",
            ["credential_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "oauth_codes",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issuer_id", sa.Uuid(), nullable=True),
        sa.Column("offer_id", sa.Uuid(), nullable=True),
        sa.Column("credential_id", sa.Uuid(), nullable=True),
        sa.Column("learner_email", sa.String(length=320), nullable=True),
        sa.Column("client_id", sa.String(length=500), nullable=True),
        sa.Column("redirect_uri", sa.Text(), nullable=True),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column(
            "request",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", credex.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", credex.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('pre-authorized', 'authorization', 'par')",
            name=op.f("ck_oauth_codes_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_oauth_codes_credential_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["issuers.id"], name=op.f("fk_oauth_codes_issuer_id_issuers")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["oid4vci_offers.id"], name=op.f("fk_oauth_codes_offer_id_oid4vci_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_oauth_codes_code_hash")),
    )
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "notify_learners", sa.Boolean(), server_default=sa.text("true"), nullable=False
            )
        )

    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unsubscribed_at", credex.db.base.UTCDateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("html")

    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_column("unsubscribed_at")

    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_column("notify_learners")

    op.drop_table("oauth_codes")
    with op.batch_alter_table("oid4vci_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_oid4vci_offers_credential_id_created_at")

    op.drop_table("oid4vci_offers")
    with op.batch_alter_table("oid4vci_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_oid4vci_deliveries_credential_id_delivered_at")

    op.drop_table("oid4vci_deliveries")
    op.drop_table("oauth_access_tokens")
    with op.batch_alter_table("credential_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_credential_notifications_sent_at")
        batch_op.drop_index("ix_credential_notifications_state_next_attempt_at")

    op.drop_table("credential_notifications")
    with op.batch_alter_table("oid4vci_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oid4vci_nonces_expires_at"))

    op.drop_table("oid4vci_nonces")
