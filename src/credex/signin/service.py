"""Magic links: request one for an address, redeem it once for a learner token.

A request always answers the same way whether or not any issuer knows the address, so the
endpoint cannot be used to find out who holds credentials here. Each address may ask for a few
links per hour (the limit protects the address's owner from mail floods). A code is 256 random
bits, stored hashed, valid for `magic_link_minutes`, and used at most once: the redeeming UPDATE
only succeeds while `used_at` is still empty, which is atomic on every backend.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from credex import i18n
from credex.auth.tokens import create_token
from credex.db.base import utcnow
from credex.db.models import Account, Learner, MagicLink
from credex.errors import TooManyRequests, Unauthorized
from credex.i18n import N_
from credex.settings import Settings
from credex.signin.mailer import Mail, deliver

MAX_LINKS_PER_HOUR = 5
LEARNER_TOKEN_DAYS = 30
# Never the address: token names end up in audit entries, which outlive an account.
LEARNER_TOKEN_NAME = "wallet sign-in"  # noqa: S105 - a label, not a secret
SIGNIN_PATH = "/wallet/signin"
STAFF_SIGNIN_PATH = "/signin"
Purpose = Literal["wallet", "staff"]
_PATHS: dict[str, str] = {"wallet": SIGNIN_PATH, "staff": STAFF_SIGNIN_PATH}


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def signin_link(base_url: str, code: str, purpose: Purpose = "wallet") -> str:
    return f"{base_url}{_PATHS[purpose]}/{code}"


def request_magic_link(
    session: Session,
    email: str,
    settings: Settings,
    purpose: Purpose = "wallet",
    language: str | None = None,
) -> None:
    """Mail a sign-in link to `email` (already validated and normalised).

    Staff links are only sent to addresses with an active account, but the caller answers the
    same either way, so the form cannot tell anyone who works here. The mail is in `language`
    (the page's interface language), else in a language a learner record with this address
    prefers, else in English.
    """
    now = utcnow()
    recent = session.scalar(
        select(func.count())
        .select_from(MagicLink)
        .where(MagicLink.email == email, MagicLink.created_at > now - timedelta(hours=1))
    )
    if (recent or 0) >= MAX_LINKS_PER_HOUR:
        raise TooManyRequests(
            "too many sign-in links were requested for this address; try again later",
            retry_after=3600,
        )
    code = secrets.token_urlsafe(32)
    minutes = settings.magic_link_minutes
    session.add(
        MagicLink(
            email=email,
            code_hash=hash_code(code),
            expires_at=now + timedelta(minutes=minutes),
            purpose=purpose,
        )
    )
    session.flush()
    if purpose == "staff" and not _has_active_account(session, email):
        return  # counted against the address like any request, but nothing is sent
    language = i18n.supported(language) or _preferred_language(session, email)
    link = signin_link(settings.base_url, code, purpose)
    deliver(session, settings, _signin_mail(email, link, minutes, purpose, language))


def _has_active_account(session: Session, email: str) -> bool:
    account = session.scalar(select(Account).where(Account.email == email))
    return account is not None and account.disabled_at is None


@dataclass(frozen=True)
class SignedIn:
    token: str
    email: str
    expires_at: datetime


def spend_magic_link(session: Session, code: str, purpose: Purpose = "wallet") -> str:
    """The address a link was sent to; the link is spent (it works once)."""
    now = utcnow()
    link = session.scalar(select(MagicLink).where(MagicLink.code_hash == hash_code(code.strip())))
    if (
        link is None
        or link.used_at is not None
        or link.expires_at <= now
        or link.purpose != purpose
    ):
        raise Unauthorized("this sign-in link is not valid (unknown, expired or already used)")
    spent = session.execute(
        update(MagicLink)
        .where(MagicLink.id == link.id, MagicLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 0) != 1:
        raise Unauthorized("this sign-in link is not valid (unknown, expired or already used)")
    return link.email


def redeem_magic_link(session: Session, code: str) -> SignedIn:
    """A learner token for the address the link was sent to; the link is spent."""
    email = spend_magic_link(session, code)
    now = utcnow()
    expires_at = now + timedelta(days=LEARNER_TOKEN_DAYS)
    issued = create_token(
        session,
        role="learner",
        name=LEARNER_TOKEN_NAME,
        learner_email=email,
        expires_at=expires_at,
    )
    return SignedIn(token=issued.token, email=email, expires_at=expires_at)


def _preferred_language(session: Session, email: str) -> str:
    preferred = session.scalars(
        select(Learner.preferred_language).where(
            Learner.email == email, Learner.preferred_language.is_not(None)
        )
    ).first()
    return i18n.supported(preferred) or i18n.DEFAULT_LANGUAGE


def _signin_mail(email: str, link: str, minutes: int, purpose: Purpose, language: str) -> Mail:
    def _(message: str) -> str:
        return i18n.gettext(language, message)

    use = (
        N_("Use this link to open your credential wallet:")
        if purpose == "wallet"
        else N_("Use this link to sign in to credex:")
    )
    body = (
        _("Hello,")
        + "\n\n"
        + _(use)
        + f"\n\n{link}\n\n"
        + _(
            "The link works once and for %(minutes)s minutes. If you did not ask for it, ignore "
            "this message: nobody can sign in without the link."
        )
        % {"minutes": minutes}
        + "\n"
    )
    return Mail(to=email, subject=_("Your credex sign-in link"), body=body, kind="magic_link")
