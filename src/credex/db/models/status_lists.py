"""Status lists, one open list per issuer and purpose at a time.

`purpose` `revocation` is a W3C Bitstring Status List (the OB 3.0 form's `credentialStatus`);
`token-status` is an IETF Token Status List (2 bits per entry, the SD-JWT VC form's `status`).

Which entries are set is derived from the credentials themselves (a revoked credential's index),
so there is one source of truth. `version` is bumped by every status change; the signed list
credential is cached with the version it reflects and re-signed lazily when they differ.
"""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey

STATUS_LIST_STATES = ("open", "full")


class StatusList(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "status_lists"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'full')", name="state_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        # New indexes come from the open list; the database keeps it to one per issuer, purpose,
        # entry size and holder.
        Index(
            "uq_status_lists_one_open",
            "issuer_id",
            "purpose",
            "status_size",
            "holder",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16), default="revocation")
    status_size: Mapped[int] = mapped_column(default=1, server_default=text("1"))  # bits per entry
    # whose entries it holds: credex's credentials, or VC-API status entries (never both, so
    # each table's unique (list, index) keeps indexes unique)
    holder: Mapped[str] = mapped_column(
        String(16), default="credentials", server_default="credentials"
    )
    capacity: Mapped[int]
    state: Mapped[str] = mapped_column(String(16), default="open")
    version: Mapped[int] = mapped_column(default=0)
    # The cached signed BitstringStatusListCredential, exactly as served, and what it reflects.
    signed_version: Mapped[int | None]
    signed_key_id: Mapped[uuid.UUID | None]
    signed_text: Mapped[str | None] = mapped_column(Text)
    signed_etag: Mapped[str | None] = mapped_column(String(80))


class StatusEntry(UUIDPrimaryKey, Timestamps, Base):
    """A BitstringStatusListEntry of a credential signed through the VC-API (`options.
    credentialStatus`): credex stores no such credential, only which index it holds and the
    status the issuer set (`POST /credentials/status`); those values are the list's bits."""

    __tablename__ = "status_entries"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        Index("ix_status_entries_issuer_id_credential_id", "issuer_id", "credential_id"),
    )

    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"))
    credential_id: Mapped[str] = mapped_column(String(2048))  # the signed credential's `id`
    status_list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int]
    purpose: Mapped[str] = mapped_column(String(16))
    status: Mapped[int] = mapped_column(default=0)
