"""OAuth 2.0 and OpenID4VCI state: offers, one-time codes, access tokens, nonces, deliveries.

Every secret (offer URI token, pre-authorized and authorization codes, PAR request URIs, access
tokens, `c_nonce`s, transaction codes, notification ids) is stored only as a SHA-256 hash, like
API tokens: a database leak must not let anyone collect a learner's credential. Codes and nonces
are single-use (`used_at` is set by an UPDATE that only succeeds while it is still empty) and
expire. Of a holder only the public key is kept (`holder_jwk`), with its RFC 7638 thumbprint.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, UUIDPrimaryKey, utcnow

OFFER_CHANNELS = ("email", "screen", "api")
CODE_KINDS = ("pre-authorized", "authorization", "par")


class CredentialOffer(UUIDPrimaryKey, Base):
    """An offer of one issued credential, fetched by reference (`credential_offer_uri`)."""

    __tablename__ = "oid4vci_offers"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'screen', 'api')", name="channel_known"),
        Index("ix_oid4vci_offers_credential_id_created_at", "credential_id", "created_at"),
    )

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    credential_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("credentials.id"))
    channel: Mapped[str] = mapped_column(String(8))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # None: no transaction code is asked for. Salted with the offer id (a 6-digit code is short).
    tx_code_hash: Mapped[str | None] = mapped_column(String(64))
    tx_code_failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]


class OAuthCode(UUIDPrimaryKey, Base):
    """A one-time code: a pre-authorized code, an authorization code or a PAR `request_uri`."""

    __tablename__ = "oauth_codes"
    __table_args__ = (
        CheckConstraint("kind IN ('pre-authorized', 'authorization', 'par')", name="kind_known"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issuer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("issuers.id"))
    offer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("oid4vci_offers.id"))
    credential_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credentials.id"))
    learner_email: Mapped[str | None] = mapped_column(String(320))
    client_id: Mapped[str | None] = mapped_column(String(500))
    redirect_uri: Mapped[str | None] = mapped_column(Text)
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    # The granted credential configuration ids; PAR: the whole pushed request.
    request: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class OAuthAccessToken(UUIDPrimaryKey, Base):
    """A bearer token for the credential endpoint, bound to one issuer and what was granted."""

    __tablename__ = "oauth_access_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    # Pre-authorized grants name the credential; authorization-code grants the person.
    credential_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("credentials.id"))
    learner_email: Mapped[str | None] = mapped_column(String(320))
    client_id: Mapped[str | None] = mapped_column(String(500))
    configuration_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class CredentialNonce(UUIDPrimaryKey, Base):
    """A `c_nonce` from the nonce endpoint (OID4VCI 1.0 §7): single use, short-lived."""

    __tablename__ = "oid4vci_nonces"

    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class CredentialDelivery(UUIDPrimaryKey, Base):
    """One credential handed to a wallet: which form, when, bound to which holder key."""

    __tablename__ = "oid4vci_deliveries"
    __table_args__ = (
        Index("ix_oid4vci_deliveries_credential_id_delivered_at", "credential_id", "delivered_at"),
    )

    credential_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("credentials.id"))
    configuration_id: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(32))
    holder_jwk: Mapped[dict[str, Any] | None]  # public members only
    holder_key_thumbprint: Mapped[str | None] = mapped_column(String(64))
    notification_id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    delivered_at: Mapped[datetime] = mapped_column(default=utcnow)
    event: Mapped[str | None] = mapped_column(String(32))
    event_at: Mapped[datetime | None]
