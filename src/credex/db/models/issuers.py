"""Issuers (training providers, OB 3.0 `Profile`) and their signing keys.

A key's private half is stored only as AES-256-GCM ciphertext (see `credex.keys.encryption`);
public halves are never deleted, so credentials signed by retired keys keep verifying.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from credex.db.base import Base, Timestamps, UUIDPrimaryKey, utcnow

KEY_STATUSES = ("active", "retired", "compromised")


class Issuer(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "issuers"

    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2048))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)
    image: Mapped[str | None] = mapped_column(String(2048))
    # ISO 3166-1 alpha-2; the single source of the country code (the address repeats it on output).
    country: Mapped[str | None] = mapped_column(String(2))
    # Address parts other than the country code: street_address, locality, region, ...
    address: Mapped[dict[str, Any] | None]
    other_identifiers: Mapped[list[Any]] = mapped_column(default=list)
    # Annex I element 11: {"type", "body", "url"}.
    quality_assurance: Mapped[dict[str, Any] | None]
    accreditation_note: Mapped[str | None] = mapped_column(Text)
    # `web` (did:web under CREDEX_BASE_URL, keys rotate) or `key` (did:key, chosen at creation).
    did_method: Mapped[str] = mapped_column(String(8), default="web", server_default="web")
    # did:key issuers only: the did:key of the Ed25519 key-1, the issuer's primary identifier.
    did: Mapped[str | None] = mapped_column(String(128))
    # An uploaded logo (PNG or JPEG, small), served at /issuers/{id}/logo.
    logo_data: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_media_type: Mapped[str | None] = mapped_column(String(32))

    keys: Mapped[list[IssuerKey]] = relationship(
        back_populates="issuer", lazy="raise", order_by="IssuerKey.number"
    )


class IssuerKey(UUIDPrimaryKey, Base):
    __tablename__ = "issuer_keys"
    __table_args__ = (
        UniqueConstraint("issuer_id", "number"),
        CheckConstraint("status IN ('active', 'retired', 'compromised')", name="status_known"),
        # At most one active key per issuer and algorithm (Ed25519, P-256), enforced by the
        # database under concurrent rotations.
        Index(
            "uq_issuer_keys_one_active",
            "issuer_id",
            "algorithm",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    # `n` in the verification method id `<did>#key-<n>`; never reused, shared by all algorithms.
    number: Mapped[int]
    algorithm: Mapped[str] = mapped_column(String(16), default="Ed25519")
    public_key_multibase: Mapped[str] = mapped_column(String(128))
    # The did:key that names this key, for did:key issuers (None: the issuer's did:web).
    controller: Mapped[str | None] = mapped_column(String(128))
    # AES-256-GCM of the 32-byte Ed25519 seed or P-256 private scalar; associated data binds it
    # to (key id, issuer id).
    private_key_nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    private_key_ciphertext: Mapped[bytes] = mapped_column(LargeBinary(64))
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    # Signatures made at or after this instant must not verify; earlier ones still do.
    compromised_since: Mapped[datetime | None]
    compromised_reported_at: Mapped[datetime | None]
    compromise_reason: Mapped[str | None] = mapped_column(String(1000))

    issuer: Mapped[Issuer] = relationship(back_populates="keys", lazy="raise")

    def __repr__(self) -> str:  # never show key material
        return f"IssuerKey(id={self.id!s}, issuer_id={self.issuer_id!s}, number={self.number})"
