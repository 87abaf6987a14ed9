"""Browser sessions for learners and staff: one mechanism, one cookie.

A session starts when a magic link is redeemed, so it proves an e-mail address. Its secret
(256 random bits) goes into the cookie and only its SHA-256 hash into the database. A session
ends on sign-out, after `idle` without a request, or at its absolute expiry, whichever comes
first (OWASP Session Management: idle and absolute timeouts). Staff sessions are shorter than
learners' because they can change what others receive.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import WebSession
from credex.db.session import is_read_only
from credex.settings import Settings

TOUCH_EVERY = timedelta(seconds=60)  # write last_seen_at at most once a minute


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta


def lifetimes(settings: Settings, kind: str) -> Lifetimes:
    if kind == "staff":
        return Lifetimes(
            idle=timedelta(minutes=settings.staff_session_idle_minutes),
            absolute=timedelta(hours=settings.staff_session_hours),
        )
    return Lifetimes(
        idle=timedelta(days=settings.learner_session_days),
        absolute=timedelta(days=settings.learner_session_days),
    )


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StartedSession:
    secret: str
    row: WebSession
    max_age_seconds: int


def start_session(
    session: Session,
    *,
    kind: str,
    email: str,
    settings: Settings,
    account_id: uuid.UUID | None = None,
    active_issuer_id: uuid.UUID | None = None,
) -> StartedSession:
    now = utcnow()
    life = lifetimes(settings, kind)
    secret = secrets.token_urlsafe(32)
    row = WebSession(
        id=uuid.uuid4(),
        secret_hash=_hash(secret),
        kind=kind,
        email=email,
        account_id=account_id,
        active_issuer_id=active_issuer_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + life.absolute,
    )
    session.add(row)
    session.flush()
    return StartedSession(secret, row, int(life.absolute.total_seconds()))


def resume_session(session: Session, secret: str, settings: Settings) -> WebSession | None:
    """The live session for a cookie's secret, or None (unknown, ended, idle or expired)."""
    if not secret or len(secret) > 100:
        return None
    row = session.scalar(select(WebSession).where(WebSession.secret_hash == _hash(secret)))
    now = utcnow()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    if now - row.last_seen_at >= lifetimes(settings, row.kind).idle:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY and not is_read_only(session):
        row.last_seen_at = now
    return row


def end_session(session: Session, row: WebSession) -> None:
    if row.ended_at is None:
        row.ended_at = utcnow()


def end_sessions_of_email(session: Session, email: str) -> None:
    """Every session of an address ends (an erased wallet, a removed account)."""
    for row in session.scalars(
        select(WebSession).where(WebSession.email == email, WebSession.ended_at.is_(None))
    ):
        row.ended_at = utcnow()
