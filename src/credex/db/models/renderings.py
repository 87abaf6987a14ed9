"""Other forms of an issued credential, and the e-seal an issuer seals them with.

One record, many forms: a `credentials` row is the source; its ELM rendering (signed with the
issuer's key, the EBSI "EDC-W3C" form) and its JAdES-sealed twin are stored here once made, byte
for byte, and served as stored from then on. `(credential_id, form)` is unique, so two
concurrent first downloads keep one rendering.

An issuer's e-seal: its X.509 certificate chain (PEM) and the P-256 private scalar, stored
only as AES-256-GCM ciphertext under the key-encryption key (`credex.keys.encryption`).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, UUIDPrimaryKey, utcnow

RENDERING_FORMS = ("elm", "elm-jades")


class CredentialRendering(UUIDPrimaryKey, Base):
    __tablename__ = "credential_renderings"
    __table_args__ = (
        UniqueConstraint("credential_id", "form"),
        CheckConstraint("form IN ('elm', 'elm-jades')", name="form_known"),
    )

    credential_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("credentials.id"))
    form: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)  # exactly as signed / sealed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IssuerSeal(UUIDPrimaryKey, Base):
    __tablename__ = "issuer_seals"

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), unique=True)
    certificate_chain: Mapped[str] = mapped_column(Text)  # PEM, signing certificate first
    # AES-256-GCM of the 32-byte P-256 private scalar; associated data (seal id, issuer id).
    private_key_nonce: Mapped[bytes] = mapped_column(LargeBinary(12))
    private_key_ciphertext: Mapped[bytes] = mapped_column(LargeBinary(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:  # never show key material
        return f"IssuerSeal(id={self.id!s}, issuer_id={self.issuer_id!s})"
