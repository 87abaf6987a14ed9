"""Signing in for page tests: a browser session straight from the session service (the magic
link itself is covered by the sign-in tests)."""

from __future__ import annotations

import uuid

from credex.accounts.service import add_member, ensure_account
from credex.accounts.sessions import start_session
from credex.audit.actors import system_actor
from credex.db.session import Database
from credex.settings import Settings
from credex.web.nav import COOKIE_NAME

__all__ = ["COOKIE_NAME", "staff_session", "web_session"]


def web_session(
    database: Database,
    settings: Settings,
    email: str,
    *,
    kind: str = "learner",
    account_id: uuid.UUID | None = None,
    issuer_id: uuid.UUID | None = None,
) -> str:
    """The cookie value of a new session for `email`."""
    with database.unit_of_work() as session:
        return start_session(
            session,
            kind=kind,
            email=email,
            settings=settings,
            account_id=account_id,
            active_issuer_id=issuer_id,
        ).secret


def staff_session(
    database: Database,
    settings: Settings,
    email: str,
    *,
    admin: bool = False,
    issuer_id: uuid.UUID | None = None,
    role: str = "manager",
) -> str:
    """An account (admin, or with a role at `issuer_id`) and a staff session for it."""
    actor = system_actor("tests")
    with database.unit_of_work() as session:
        account = ensure_account(session, email, actor=actor, admin=admin)
        if issuer_id is not None:
            add_member(session, issuer_id, email, role, actor=actor)
        account_id = account.id
    return web_session(
        database, settings, email, kind="staff", account_id=account_id, issuer_id=issuer_id
    )
