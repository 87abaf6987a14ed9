"""Page sign-in: an admin pastes an API token once; a cookie carries it to later page requests.

The cookie is HttpOnly (no script can read it), SameSite=Strict (other sites cannot make the
browser send it) and Secure when the service is served over https. Every state-changing form
also carries a CSRF token, an HMAC of the API token's id under `settings.secret_key`: it is
stable for the session, unguessable without the secret, and dies when the token is revoked.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from credex.auth.principal import Principal
from credex.auth.tokens import authenticate
from credex.deps import SessionDep, SettingsDep
from credex.errors import Unauthorized
from credex.settings import Settings
from credex.web.forms import SubmittedFormDep
from credex.web.templating import LoginRequired, PageError, PageRoute, render

COOKIE_NAME = "credex_session"
DEFAULT_AFTER_LOGIN = "/admin/frameworks"

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass(frozen=True)
class PageAdmin:
    principal: Principal
    csrf_token: str


def csrf_token_for(settings: Settings, principal: Principal) -> str:
    message = f"credex-csrf:{principal.token_id}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def _principal_from_cookie(
    request: Request, session: SessionDep, settings: Settings
) -> Principal | None:
    token = request.cookies.get(COOKIE_NAME)
    if not token:
        return None
    touch = timedelta(seconds=settings.token_last_used_resolution_seconds)
    try:
        return authenticate(session, token, touch_after=touch)
    except Unauthorized:
        return None  # revoked or expired since sign-in: sign in again


def require_page_admin(request: Request, session: SessionDep, settings: SettingsDep) -> PageAdmin:
    principal = _principal_from_cookie(request, session, settings)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target if request.method == "GET" else request.url.path)
    if not principal.is_admin:
        raise PageError(403, "Not allowed", "These pages are for administrators only.")
    admin = PageAdmin(principal=principal, csrf_token=csrf_token_for(settings, principal))
    request.state.page_admin = admin
    return admin


PageAdminDep = Annotated[PageAdmin, Depends(require_page_admin)]


def require_checked_form(admin: PageAdminDep, form: SubmittedFormDep) -> PageAdmin:
    """For POST page routes: the form must carry this session's CSRF token."""
    if not hmac.compare_digest(form.get("csrf_token").encode(), admin.csrf_token.encode()):
        raise PageError(
            403, "Form expired", "The form could not be verified. Reload the page and try again."
        )
    return admin


CheckedAdminForm = Annotated[PageAdmin, Depends(require_checked_form)]


def safe_next(value: str | None) -> str:
    """Only local paths: `next` must never send a signed-in admin to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return DEFAULT_AFTER_LOGIN
    return value


def login_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/login?next={quote(next_path, safe='/')}", status_code=303)


@router.get("/admin")
def admin_home() -> RedirectResponse:
    return RedirectResponse(DEFAULT_AFTER_LOGIN, status_code=303)


@router.get("/admin/login")
def login_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    next_path: Annotated[str | None, Query(alias="next")] = None,
) -> Response:
    principal = _principal_from_cookie(request, session, settings)
    if principal is not None and principal.is_admin:
        return RedirectResponse(safe_next(next_path), status_code=303)
    return render(
        request, "admin/login.html", title="Sign in", next=safe_next(next_path), error=None
    )


@router.post("/admin/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = DEFAULT_AFTER_LOGIN,
) -> Response:
    touch = timedelta(seconds=settings.token_last_used_resolution_seconds)
    try:
        principal = authenticate(session, token.strip(), touch_after=touch)
    except Unauthorized:
        return render(
            request,
            "admin/login.html",
            status_code=401,
            title="Sign in",
            next=safe_next(next_path),
            error="This token is not valid (unknown, expired or revoked).",
        )
    if not principal.is_admin:
        raise PageError(403, "Not allowed", "This token is valid but it is not an admin token.")
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        token.strip(),
        httponly=True,
        samesite="strict",
        secure=settings.base_url.startswith("https://"),
        path="/",
    )
    return response


@router.post("/admin/logout")
def logout(_admin: CheckedAdminForm) -> RedirectResponse:
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict")
    return response
