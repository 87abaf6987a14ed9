"""Send queued issuance notifications: throttled, retried, never twice.

Each message: claim its row (`pending` → `sending`, an UPDATE that only one sender can win,
committed at once), then in a second transaction make an e-mailed offer, render and deliver the
mail (the outbox row or SMTP) and mark it `sent`. A failure rolls that transaction back (the
offer too) and puts the row back to `pending` with a growing delay, until
`notify_max_attempts`, then `failed`. A crash between claim and send leaves `sending`: the
message may be lost, but is never sent twice. At most `notify_per_minute` messages leave per
minute across all senders (mail providers throttle bulk senders that go faster).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import (
    Achievement,
    Credential,
    CredentialNotification,
    Issuer,
    Learner,
)
from credex.db.session import Database
from credex.notifications.messages import Award, award_mail
from credex.notifications.unsubscribe import unsubscribe_url
from credex.oid4vci.offers import create_offer
from credex.settings import Settings
from credex.signin.mailer import MailUnavailable, deliver
from credex.wallet.facts import issued_language

logger = logging.getLogger("credex.notifications")
RETRY_BASE = timedelta(minutes=1)


def _budget(session: Session, settings: Settings) -> int:
    recent = session.scalar(
        select(func.count())
        .select_from(CredentialNotification)
        .where(CredentialNotification.sent_at > utcnow() - timedelta(minutes=1))
    )
    return max(0, settings.notify_per_minute - int(recent or 0))


def _claim(database: Database, settings: Settings) -> list[CredentialNotification]:
    claimed = []
    with database.unit_of_work() as session:
        budget = _budget(session, settings)
        if budget == 0:
            return []
        due = session.scalars(
            select(CredentialNotification)
            .where(
                CredentialNotification.state == "pending",
                CredentialNotification.next_attempt_at <= utcnow(),
            )
            .order_by(CredentialNotification.next_attempt_at)
            .limit(budget)
        ).all()
        for row in due:
            won = session.execute(
                update(CredentialNotification)
                .where(
                    CredentialNotification.id == row.id,
                    CredentialNotification.state == "pending",
                )
                .values(state="sending", attempts=CredentialNotification.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if getattr(won, "rowcount", 0) == 1:
                claimed.append(row)
    return claimed


def _send_one(session: Session, row: CredentialNotification, settings: Settings) -> str:
    found = session.execute(
        select(Credential, Learner, Achievement, Issuer)
        .join(Learner, Learner.id == Credential.learner_id)
        .join(Achievement, Achievement.id == Credential.achievement_id)
        .join(Issuer, Issuer.id == Credential.issuer_id)
        .where(Credential.id == row.credential_id)
    ).one()
    credential, learner, achievement, issuer = found
    if learner.unsubscribed_at is not None or credential.status != "active":
        return "skipped"
    links = create_offer(
        session,
        credential,
        settings,
        channel="email",
        lifetime=timedelta(days=settings.email_offer_days),
    )
    # The credential's language (its Achievement's `inLanguage`), else the achievement's own.
    language = issued_language(credential) or achievement.language
    title = (
        achievement.name.get(language)
        or achievement.name.get(achievement.language)
        or next(iter(achievement.name.values()), "")
    )
    mail = award_mail(
        Award(
            to=learner.email,
            learner_name=learner.name,
            issuer_name=issuer.name,
            title=str(title),
            language=language,
            wallet_url=f"{settings.base_url}/wallet/credentials/{credential.id}",
            offer_link=links.credential_offer_uri,
            offer_expires=links.expires_at,
            unsubscribe_url=unsubscribe_url(settings, learner.id),
        )
    )
    deliver(session, settings, mail)
    return "sent"


def _finish(database: Database, row: CredentialNotification, settings: Settings) -> None:
    try:
        with database.unit_of_work() as session:
            state = _send_one(session, row, settings)
            session.execute(
                update(CredentialNotification)
                .where(CredentialNotification.id == row.id)
                .values(state=state, sent_at=utcnow() if state == "sent" else None)
            )
    except MailUnavailable as exc:
        attempts = row.attempts + 1
        final = attempts >= settings.notify_max_attempts
        with database.unit_of_work() as session:
            session.execute(
                update(CredentialNotification)
                .where(CredentialNotification.id == row.id)
                .values(
                    state="failed" if final else "pending",
                    next_attempt_at=utcnow() + RETRY_BASE * (2 ** (attempts - 1)),
                    last_error=exc.detail,
                )
            )
        logger.warning("issuance notification not sent (attempt %d): %s", attempts, exc.detail)
    except Exception:  # a bug, not the mail server: do not retry what may have been sent
        logger.exception("issuance notification failed")
        with database.unit_of_work() as session:
            session.execute(
                update(CredentialNotification)
                .where(CredentialNotification.id == row.id)
                .values(state="failed", last_error="internal error (logged)")
            )


def send_due(database: Database, settings: Settings) -> int:
    """Send what is due within this minute's budget; the number of rows handled."""
    claimed = _claim(database, settings)
    for row in claimed:
        _finish(database, row, settings)
    return len(claimed)
