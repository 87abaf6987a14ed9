"""Staff sign-in: a redeemed magic link becomes a staff session, recorded in the audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from credex.accounts.service import find_account, roles_of
from credex.accounts.sessions import StartedSession, end_session, start_session
from credex.audit import service as audit
from credex.db.base import utcnow
from credex.db.models import WebSession
from credex.errors import Unauthorized
from credex.settings import Settings
from credex.signin.service import spend_magic_link

SIGNED_IN = "staff.signed_in"
SIGNED_OUT = "staff.signed_out"


def sign_in_staff(session: Session, code: str, settings: Settings) -> StartedSession:
    """Spend a staff link and start a staff session for its address's account."""
    email = spend_magic_link(session, code, "staff")
    account = find_account(session, email)
    if account is None or account.disabled_at is not None:
        raise Unauthorized("this sign-in link is not valid (unknown, expired or already used)")
    roles = roles_of(session, account.id)
    started = start_session(
        session,
        kind="staff",
        email=email,
        settings=settings,
        account_id=account.id,
        active_issuer_id=roles[0].issuer_id if roles else None,
    )
    account.last_signed_in_at = utcnow()
    audit.record(
        session,
        action=SIGNED_IN,
        actor=f"{'admin' if account.is_admin else 'issuer'}:{account.id}:{email}",
        issuer_id=None,
        object_type="account",
        object_id=str(account.id),
        details={"session": str(started.row.id)},
    )
    return started


def sign_out(session: Session, row: WebSession) -> None:
    end_session(session, row)
    if row.kind == "staff" and row.account_id is not None:
        audit.record(
            session,
            action=SIGNED_OUT,
            actor=f"issuer:{row.account_id}:{row.email}",
            issuer_id=None,
            object_type="account",
            object_id=str(row.account_id),
        )
