"""One browser session for everybody: learners, issuer staff and admins.

A session starts when an e-mailed magic link is redeemed (`credex.signin`) and lives in the
`web_sessions` table (`credex.accounts.sessions`); the browser holds only its secret, in one
cookie that is HttpOnly (no script reads it), Secure over https, and SameSite=Lax (following the
link in the sign-in mail keeps the person signed in). Every state-changing form carries a CSRF
token, an HMAC of the session id under `settings.secret_key`: stable for the session,
unguessable without the secret, dead when the session ends. The magic-link confirmation form,
which runs before there is a session, uses a double-submit cookie instead, so nobody can sign a
victim into the attacker's account.

A learner session (wallet sign-in) opens the wallet of its address; a staff session (`/signin`)
opens the wallet too, and the consoles for the address's account. Staff sessions expire sooner.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from credex.accounts.service import IssuerRole, roles_of
from credex.accounts.sessions import resume_session
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.db.models import Account, WebSession
from credex.deps import SessionDep, SettingsDep
from credex.settings import Settings
from credex.web.forms import SubmittedFormDep
from credex.web.nav import COOKIE_NAME, csrf_token_for, remember
from credex.web.templating import LoginRequired, PageError

SIGNIN_CSRF_COOKIE = "credex_signin_csrf"
STAFF_SIGNIN_PAGE = "/signin"
WALLET_SIGNIN_PAGE = "/wallet/signin"
WALLET_HOME = "/wallet"
STAFF_HOME = "/console"
ADMIN_HOME = "/admin"
LEARNER_SESSION_NAME = "wallet sign-in"


class WalletSignInRequired(Exception):
    """A wallet page was asked for without a signed-in learner: send them to sign in."""


def _secure(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


def set_session_cookie(response: Response, secret: str, settings: Settings, max_age: int) -> None:
    response.set_cookie(
        COOKIE_NAME,
        secret,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax")


def current_web_session(
    request: Request, session: Session, settings: Settings
) -> WebSession | None:
    """The request's live session (looked up once per request), or None."""
    if hasattr(request.state, "web_session"):
        found: WebSession | None = request.state.web_session
        return found
    row = resume_session(session, request.cookies.get(COOKIE_NAME, ""), settings)
    request.state.web_session = row
    account = session.get(Account, row.account_id) if row and row.account_id else None
    remember(request, row, account, settings)
    return row


# --- learners -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageLearner:
    principal: Principal
    csrf_token: str
    web_session: WebSession

    @property
    def email(self) -> str:
        return self.principal.learner_email or ""


def learner_principal(row: WebSession) -> Principal:
    return Principal(
        token_id=row.id, role="learner", name=LEARNER_SESSION_NAME, learner_email=row.email
    )


def require_page_learner(
    request: Request, session: SessionDep, settings: SettingsDep
) -> PageLearner:
    row = current_web_session(request, session, settings)
    if row is None:
        raise WalletSignInRequired(request.url.path)
    return PageLearner(learner_principal(row), csrf_token_for(settings, row.id), row)


PageLearnerDep = Annotated[PageLearner, Depends(require_page_learner)]


def _check_csrf(form_value: str, expected: str) -> None:
    if not hmac.compare_digest(form_value.encode(), expected.encode()):
        raise PageError(
            403, "Form expired", "The form could not be verified. Reload the page and try again."
        )


def require_learner_form(learner: PageLearnerDep, form: SubmittedFormDep) -> PageLearner:
    _check_csrf(form.get("csrf_token"), learner.csrf_token)
    return learner


CheckedLearnerForm = Annotated[PageLearner, Depends(require_learner_form)]


# --- staff and admins -------------------------------------------------------------------------


@dataclass(frozen=True)
class PageStaff:
    """A signed-in staff member, and the issuer they are working for (if any)."""

    account: Account
    web_session: WebSession
    roles: list[IssuerRole]
    csrf_token: str

    @property
    def email(self) -> str:
        return self.account.email

    @property
    def is_admin(self) -> bool:
        return self.account.is_admin

    @property
    def current(self) -> IssuerRole | None:
        for role in self.roles:
            if role.issuer_id == self.web_session.active_issuer_id:
                return role
        return self.roles[0] if self.roles else None

    def issuer_principal(self) -> Principal:
        current = self.current
        if current is None:
            raise PageError(404, "Not found", "You do not work for any issuer yet.")
        return Principal(
            token_id=self.account.id, role="issuer", name=self.email, issuer_id=current.issuer_id
        )

    def admin_principal(self) -> Principal:
        return Principal(token_id=self.account.id, role="admin", name=self.email)


def staff_from_session(request: Request, session: Session, settings: Settings) -> PageStaff | None:
    row = current_web_session(request, session, settings)
    if row is None or row.kind != "staff" or row.account_id is None:
        return None
    account = session.get(Account, row.account_id)
    if account is None or account.disabled_at is not None:
        return None
    return PageStaff(
        account=account,
        web_session=row,
        roles=list(roles_of(session, account.id)),
        csrf_token=csrf_token_for(settings, row.id),
    )


def _signin_target(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query if request.method == "GET" else request.url.path


def require_page_staff(request: Request, session: SessionDep, settings: SettingsDep) -> PageStaff:
    staff = staff_from_session(request, session, settings)
    if staff is None:
        raise LoginRequired(_signin_target(request))
    return staff


PageStaffDep = Annotated[PageStaff, Depends(require_page_staff)]


def require_staff_form(staff: PageStaffDep, form: SubmittedFormDep) -> PageStaff:
    _check_csrf(form.get("csrf_token"), staff.csrf_token)
    return staff


CheckedStaffForm = Annotated[PageStaff, Depends(require_staff_form)]


@dataclass(frozen=True)
class PageAdmin:
    principal: Principal
    csrf_token: str
    staff: PageStaff

    @property
    def actor(self) -> str:
        """The audit actor string: the person, acting as an admin."""
        return actor_label(self.principal)


def require_page_admin(staff: PageStaffDep) -> PageAdmin:
    if not staff.is_admin:
        raise PageError(403, "Not allowed", "These pages are for administrators only.")
    return PageAdmin(staff.admin_principal(), staff.csrf_token, staff)


PageAdminDep = Annotated[PageAdmin, Depends(require_page_admin)]


def require_admin_form(admin: PageAdminDep, form: SubmittedFormDep) -> PageAdmin:
    """For POST page routes: the form must carry this session's CSRF token."""
    _check_csrf(form.get("csrf_token"), admin.csrf_token)
    return admin


CheckedAdminForm = Annotated[PageAdmin, Depends(require_admin_form)]


# --- sign-in helpers --------------------------------------------------------------------------


def safe_next(value: str | None, default: str = STAFF_HOME) -> str:
    """Only local paths: `next` must never send a signed-in person to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def login_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse(
        f"{STAFF_SIGNIN_PAGE}?next={quote(next_path, safe='/')}", status_code=303
    )


def signin_redirect() -> RedirectResponse:
    return RedirectResponse(WALLET_SIGNIN_PAGE, status_code=303)


def new_signin_csrf() -> str:
    return secrets.token_urlsafe(24)


def set_signin_csrf_cookie(response: Response, value: str, settings: Settings) -> None:
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        value,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
        path="/",
    )


def signin_csrf_matches(request: Request, submitted: str) -> bool:
    expected = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), submitted.encode())


# --- coming back after signing in (an OAuth authorization request of a wallet app) -----------

AFTER_SIGNIN_COOKIE = "credex_after_signin"
_RETURNABLE_PREFIX = "/oauth/authorize?"


def learner_from_cookie(request: Request, session: Session, settings: Settings) -> Principal | None:
    """The signed-in person as a learner (any session proves its address), or None."""
    row = current_web_session(request, session, settings)
    return learner_principal(row) if row is not None else None


def remember_after_signin(request: Request, settings: Settings) -> RedirectResponse:
    """Send to sign-in and come back to this page afterwards (a wallet's authorization request:
    the magic link is usually opened in the same browser)."""
    response = signin_redirect()
    target = f"{request.url.path}?{request.url.query}"
    if target.startswith(_RETURNABLE_PREFIX):
        response.set_cookie(
            AFTER_SIGNIN_COOKIE,
            target,
            max_age=3600,
            httponly=True,
            samesite="lax",
            secure=_secure(settings),
            path="/",
        )
    return response


def after_signin(request: Request) -> str:
    """Where a learner goes once signed in: a remembered authorization request, else the
    wallet."""
    target = request.cookies.get(AFTER_SIGNIN_COOKIE, "")
    return target if target.startswith(_RETURNABLE_PREFIX) else WALLET_HOME
