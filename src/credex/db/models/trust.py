"""The admin-maintained list of issuers that verifiers on this service may trust.

A credential can verify perfectly and still come from anyone with a key; the verification
report says whether its issuer is one of this service's own issuers, on this list, or unknown
(a warning, not a failure).
"""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey


class TrustedIssuer(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "trusted_issuers"

    # The issuer id exactly as credentials state it: a DID or an https URL.
    issuer: Mapped[str] = mapped_column(String(1000), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
