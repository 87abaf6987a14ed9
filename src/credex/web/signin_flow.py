"""The magic-link sign-in pages, once for every audience: ask for a link by e-mail, then confirm
the link with one button press (mail scanners open links to check them and would spend a
single-use link before its owner could). The wallet (`/wallet/signin`) and staff (`/signin`)
flows differ only in their templates, what the link is for, and where a session starts.

The confirmation form runs before there is a session, so it uses a double-submit cookie: a
cross-site page can neither read nor set it, so nobody can sign a victim into their account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from credex.accounts.sessions import StartedSession
from credex.deps import SessionDep, SettingsDep
from credex.errors import TooManyRequests, Unauthorized
from credex.settings import Settings
from credex.signin import service
from credex.signin.schemas import MagicLinkRequest
from credex.throttling import limit_signin_client, refuse_blocked_client
from credex.web.forms import SubmittedFormDep
from credex.web.session import (
    AFTER_SIGNIN_COOKIE,
    SIGNIN_CSRF_COOKIE,
    new_signin_csrf,
    safe_next,
    set_session_cookie,
    set_signin_csrf_cookie,
    signin_csrf_matches,
)
from credex.web.templating import PageRoute, render, request_language

EXPIRED = "This sign-in link has expired or was already used. Ask for a new one."
NEXT_COOKIE = "credex_signin_next"  # where to go after signing in (a local path), for an hour


@dataclass(frozen=True)
class SignInFlow:
    purpose: service.Purpose
    path: str
    form_template: str
    sent_template: str
    confirm_template: str
    title: str
    confirm_title: str
    start: Callable[[Session, str, Settings], StartedSession]  # spend the code, start a session
    landing: Callable[[Request], str]  # where a new (or existing) session goes by default
    signed_in: Callable[[Request, Session, Settings], bool]


def signin_router(flow: SignInFlow) -> APIRouter:
    router = APIRouter(prefix=flow.path, route_class=PageRoute, include_in_schema=False)

    def form_page(
        request: Request, email: str, error: str | None, status: int = 200, next_path: str = ""
    ) -> Response:
        return render(
            request,
            flow.form_template,
            status_code=status,
            title=flow.title,
            email=email,
            error=error,
            next=next_path,
        )

    def confirm_page(
        request: Request, code: str, settings: Settings, error: str | None
    ) -> Response:
        csrf = (request.cookies.get(SIGNIN_CSRF_COOKIE) if error else None) or new_signin_csrf()
        response = render(
            request,
            flow.confirm_template,
            status_code=403 if error else 200,
            title=flow.confirm_title,
            code=code,
            csrf=csrf,
            error=error,
        )
        set_signin_csrf_cookie(response, csrf, settings)
        return response

    @router.get("")
    def signin_form(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        next_path: Annotated[str | None, Query(alias="next")] = None,
    ) -> Response:
        if flow.signed_in(request, session, settings):
            target = safe_next(next_path, "") or flow.landing(request)
            return RedirectResponse(target, status_code=303)
        return form_page(request, "", None, next_path=safe_next(next_path, ""))

    @router.post("")
    def send_link(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        form: SubmittedFormDep,
    ) -> Response:
        email = form.get("email")
        next_path = safe_next(form.get("next"), "")
        try:
            address = MagicLinkRequest(email=email).email
            limit_signin_client(session, request, settings.signin_per_client_per_hour)
            service.request_magic_link(
                session, address, settings, flow.purpose, request_language(request)
            )
        except ValidationError:
            message = "Enter an e-mail address like name@example.org."
            return form_page(request, email, message, 422, next_path)
        except TooManyRequests as exc:
            return form_page(request, email, exc.detail.capitalize() + ".", 429, next_path)
        response = render(
            request,
            flow.sent_template,
            title="Check your e-mail",
            email=address,
            minutes=settings.magic_link_minutes,
        )
        if next_path:
            response.set_cookie(
                NEXT_COOKIE,
                next_path,
                max_age=3600,
                httponly=True,
                samesite="strict",
                secure=settings.base_url.startswith("https://"),
                path=flow.path,
            )
        return response

    @router.get("/{code}")
    def confirm_form(code: str, request: Request, settings: SettingsDep) -> Response:
        return confirm_page(request, code, settings, None)

    @router.post("/{code}")
    def confirm(
        code: str,
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        form: SubmittedFormDep,
    ) -> Response:
        refuse_blocked_client(request)
        if not signin_csrf_matches(request, form.get("csrf")):
            return confirm_page(
                request, code, settings, "The form expired. Press the button again."
            )
        try:
            started = flow.start(session, code, settings)
        except Unauthorized:
            return form_page(request, "", EXPIRED, 401)
        request.state.started_session = started.row
        target = safe_next(request.cookies.get(NEXT_COOKIE), "") or flow.landing(request)
        response = RedirectResponse(target, status_code=303)
        set_session_cookie(response, started.secret, settings, started.max_age_seconds)
        response.delete_cookie(NEXT_COOKIE, path=flow.path)
        response.delete_cookie(AFTER_SIGNIN_COOKIE, path="/")
        return response

    return router
