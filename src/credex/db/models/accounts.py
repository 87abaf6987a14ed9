"""Staff accounts, their roles per issuer, and browser sessions (learners and staff alike).

A person is one e-mail address. Admins run the platform; per issuer a person is a `manager`
(everything for that issuer, API tokens and staff included), `staff` (issue, revoke, assess) or
`assessor` (reviews recognition applications only). A browser session proves an address: it
starts when a magic link is redeemed, and its secret is stored only as a SHA-256 hash.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, UUIDPrimaryKey, utcnow

ISSUER_ROLES = ("manager", "staff", "assessor")
SESSION_KINDS = ("learner", "staff")


class Account(UUIDPrimaryKey, Base):
    __tablename__ = "accounts"

    email: Mapped[str] = mapped_column(String(320), unique=True)  # normalised (lower case)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]
    last_signed_in_at: Mapped[datetime | None]


class Membership(UUIDPrimaryKey, Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("account_id", "issuer_id"),
        CheckConstraint("role IN ('manager', 'staff', 'assessor')", name="role_known"),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), index=True)
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(UUIDPrimaryKey, Base):
    __tablename__ = "web_sessions"
    __table_args__ = (CheckConstraint("kind IN ('learner', 'staff')", name="kind_known"),)

    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(320), index=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    # The issuer a person with several memberships is working for in the console.
    active_issuer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("issuers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]  # absolute expiry, whatever the activity
    ended_at: Mapped[datetime | None]
