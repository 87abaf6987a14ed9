"""Wallet page sign-in state: the learner token in an HttpOnly cookie, CSRF tokens for forms.

The cookie is separate from the admin pages' cookie, HttpOnly, Secure over https, and
SameSite=Lax so that following a link to the wallet (from the sign-in mail, say) keeps the
learner signed in; state-changing forms carry a CSRF token (an HMAC of the token id under the
service secret), so Lax is enough. The magic-link confirmation form, which runs before there is
any session, uses a double-submit cookie instead: a cross-site page can neither read nor set it,
so nobody can sign a victim into the attacker's wallet.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from credex.auth.principal import Principal
from credex.auth.tokens import authenticate
from credex.deps import SessionDep, SettingsDep
from credex.errors import Unauthorized
from credex.settings import Settings
from credex.web.forms import SubmittedFormDep
from credex.web.session import csrf_token_for
from credex.web.templating import PageError

WALLET_COOKIE = "credex_wallet"
SIGNIN_CSRF_COOKIE = "credex_signin_csrf"
SIGNIN_PAGE = "/wallet/signin"
WALLET_HOME = "/wallet"


class WalletSignInRequired(Exception):
    """A wallet page was asked for without a signed-in learner: send them to sign in."""


@dataclass(frozen=True)
class PageLearner:
    principal: Principal
    csrf_token: str

    @property
    def email(self) -> str:
        return self.principal.learner_email or ""


def learner_from_cookie(
    request: Request, session: SessionDep, settings: Settings
) -> Principal | None:
    token = request.cookies.get(WALLET_COOKIE)
    if not token:
        return None
    touch = timedelta(seconds=settings.token_last_used_resolution_seconds)
    try:
        principal = authenticate(session, token, touch_after=touch)
    except Unauthorized:
        return None  # expired, revoked or erased: sign in again
    return principal if principal.role == "learner" else None


def require_page_learner(
    request: Request, session: SessionDep, settings: SettingsDep
) -> PageLearner:
    principal = learner_from_cookie(request, session, settings)
    if principal is None:
        raise WalletSignInRequired(request.url.path)
    return PageLearner(principal=principal, csrf_token=csrf_token_for(settings, principal))


PageLearnerDep = Annotated[PageLearner, Depends(require_page_learner)]


def require_checked_form(learner: PageLearnerDep, form: SubmittedFormDep) -> PageLearner:
    if not hmac.compare_digest(form.get("csrf_token").encode(), learner.csrf_token.encode()):
        raise PageError(
            403, "Form expired", "The form could not be verified. Reload the page and try again."
        )
    return learner


CheckedLearnerForm = Annotated[PageLearner, Depends(require_checked_form)]


def _secure(settings: Settings) -> bool:
    return settings.base_url.startswith("https://")


def set_wallet_cookie(response: Response, token: str, settings: Settings, max_age: int) -> None:
    response.set_cookie(
        WALLET_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
        path="/",
    )


def clear_wallet_cookie(response: Response) -> None:
    response.delete_cookie(WALLET_COOKIE, path="/", httponly=True, samesite="lax")


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
        path=SIGNIN_PAGE,
    )


def signin_csrf_matches(request: Request, submitted: str) -> bool:
    expected = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    return bool(expected) and hmac.compare_digest(expected.encode(), submitted.encode())


def signin_redirect() -> RedirectResponse:
    return RedirectResponse(SIGNIN_PAGE, status_code=303)


AFTER_SIGNIN_COOKIE = "credex_after_signin"
_RETURNABLE_PREFIX = "/oauth/authorize?"


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
    """Where to go once signed in: a remembered authorization request, else the wallet."""
    target = request.cookies.get(AFTER_SIGNIN_COOKIE, "")
    return target if target.startswith(_RETURNABLE_PREFIX) else WALLET_HOME
