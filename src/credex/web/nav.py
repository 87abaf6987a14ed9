"""Who is signed in, for the navigation bar every page shows.

Pages behind a sign-in already know the person (their dependency put it on `request.state`);
public pages look the session cookie up here, read-only, so the bar is the same everywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass

from fastapi import Request

from credex.accounts.sessions import resume_session
from credex.db.models import Account, WebSession
from credex.db.session import Database
from credex.settings import Settings

COOKIE_NAME = "credex_session"


def csrf_token_for(settings: Settings, session_id: uuid.UUID) -> str:
    message = f"credex-csrf:{session_id}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class NavUser:
    email: str
    name: str
    is_staff: bool
    is_admin: bool
    csrf_token: str


def _from_row(row: WebSession, account: Account | None, settings: Settings) -> NavUser:
    staff = row.kind == "staff" and (account is None or account.disabled_at is None)
    return NavUser(
        email=row.email,
        name=(account.display_name if account and account.display_name else row.email),
        is_staff=staff,
        is_admin=staff and account is not None and account.is_admin,
        csrf_token=csrf_token_for(settings, row.id),
    )


def remember(
    request: Request, row: WebSession | None, account: Account | None, settings: Settings
) -> None:
    """Keep who is signed in for this request's navigation bar (a plain snapshot: error pages
    are rendered after the request's transaction has been rolled back)."""
    request.state.nav_user = _from_row(row, account, settings) if row is not None else None


def nav_user(request: Request) -> NavUser | None:
    if hasattr(request.state, "nav_user"):
        known: NavUser | None = request.state.nav_user
        return known
    settings: Settings | None = getattr(request.app.state, "settings", None)
    secret = request.cookies.get(COOKIE_NAME)
    if settings is None or not secret:
        return None
    database: Database = request.app.state.db
    with database.unit_of_work(read_only=True) as session:
        row = resume_session(session, secret, settings)
        account = session.get(Account, row.account_id) if row and row.account_id else None
        remember(request, row, account, settings)
    return nav_user(request)
