"""The accreditation registry: who vouches for a provider, for what, and until when.

A credential can verify perfectly and still come from anyone with a key; the verification
report says whether its issuer is one of this service's own issuers, accredited (by whom, for
what scope, until when), accredited no longer (expired), or unknown (a warning, not a failure).

The older "trusted issuers" list is the same table: an entry without `accredited_by` is a bare
trusted-list entry made by this service's admins (`/api/v1/trusted-issuers` keeps working).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey


class Accreditation(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "accreditations"

    # The issuer id exactly as credentials state it: a DID or an https URL.
    issuer: Mapped[str] = mapped_column(String(1000), index=True)
    name: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    accredited_by: Mapped[str | None] = mapped_column(String(300))
    scope_fields: Mapped[list[Any]] = mapped_column(default=list)  # free text, e.g. ISCED-F names
    scope_eqf_levels: Mapped[list[Any]] = mapped_column(default=list)  # ints 1..8
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    source: Mapped[str | None] = mapped_column(String(2000))


# The trusted issuers list is the registry (entries without an accrediting body).
TrustedIssuer = Accreditation


class NqfLevel(UUIDPrimaryKey, Timestamps, Base):
    """One level of a national qualifications framework and the EQF level it is referenced to."""

    __tablename__ = "nqf_levels"
    __table_args__ = (UniqueConstraint("country", "level"),)

    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2, upper
    framework: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    eqf: Mapped[int]
    source: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class Endorsement(UUIDPrimaryKey, Timestamps, Base):
    """A signed OB 3.0 EndorsementCredential of an achievement or an issuer.

    `content` is the credential exactly as signed (served at `/endorsements/{id}` and embedded
    in credentials issued afterwards for the achievement). Withdrawal sets the entry's bit in
    the endorser's own revocation status list.
    """

    __tablename__ = "endorsements"
    __table_args__ = (UniqueConstraint("status_list_id", "status_index"),)

    endorser_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    achievement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("achievements.id"), index=True
    )
    endorsed_issuer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("issuers.id"), index=True
    )
    comment: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    status_list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int]
    withdrawn_at: Mapped[datetime | None]
