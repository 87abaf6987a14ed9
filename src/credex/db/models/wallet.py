"""The learner's side: sign-in links, the development outbox, share links, erasure tombstones.

Secrets (sign-in codes, share-link tokens) are stored only as SHA-256 hashes, like API tokens:
a database leak must not open anyone's wallet or private credential page. Whether a credential's
public page is on lives on `Credential.public`, which issuance already owns.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, UUIDPrimaryKey, utcnow


class OutboxMessage(UUIDPrimaryKey, Base):
    """A message that was not mailed because no SMTP server is configured (development)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_to_address_created_at", "to_address", "created_at"),)

    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)  # the HTML alternative, when there is one
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MagicLink(UUIDPrimaryKey, Base):
    """A single-use sign-in code sent to an address; redeeming it proves the address."""

    __tablename__ = "magic_links"
    __table_args__ = (Index("ix_magic_links_email_created_at", "email", "created_at"),)

    email: Mapped[str] = mapped_column(String(320))  # normalised
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # "wallet" (a learner's sign-in) or "staff" (the consoles): where the link leads.
    purpose: Mapped[str] = mapped_column(String(16), default="wallet", server_default="wallet")


class ShareLink(UUIDPrimaryKey, Base):
    """A secret URL that opens one credential's page even while the page is not public."""

    __tablename__ = "share_links"
    __table_args__ = (
        Index("ix_share_links_credential_id_created_at", "credential_id", "created_at"),
    )

    credential_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("credentials.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_opened_at: Mapped[datetime | None]
    # The learner's consent to show their name on the page this link opens.
    show_name: Mapped[bool] = mapped_column(default=False, server_default=false())
    open_count: Mapped[int] = mapped_column(default=0)


class AccountTombstone(UUIDPrimaryKey, Base):
    """Proof that a learner's account was erased: only the unsalted e-mail hash and counts."""

    __tablename__ = "account_tombstones"

    email_hash: Mapped[str] = mapped_column(String(80), index=True)
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)
    learner_records: Mapped[int]
    credentials: Mapped[int]
