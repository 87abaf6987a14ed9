"""Sign-in pages: ask for a link by e-mail, then confirm the link with one button press.

Opening the link shows a button instead of signing in at once, because mail scanners open links
to check them and would spend a single-use link before its owner could.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from credex.deps import SessionDep, SettingsDep
from credex.errors import TooManyRequests, Unauthorized
from credex.signin import service
from credex.signin.schemas import MagicLinkRequest
from credex.wallet.web_session import (
    AFTER_SIGNIN_COOKIE,
    SIGNIN_CSRF_COOKIE,
    SIGNIN_PAGE,
    after_signin,
    learner_from_cookie,
    new_signin_csrf,
    set_signin_csrf_cookie,
    set_wallet_cookie,
    signin_csrf_matches,
)
from credex.web.forms import SubmittedFormDep
from credex.web.templating import PageRoute, render, request_language

router = APIRouter(prefix=SIGNIN_PAGE, route_class=PageRoute, include_in_schema=False)


@router.get("")
def signin_form(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    if learner_from_cookie(request, session, settings) is not None:
        return RedirectResponse(after_signin(request), status_code=303)
    return render(
        request, "wallet/signin.html", title="Sign in to your wallet", email="", error=None
    )


@router.post("")
def send_link(
    request: Request, session: SessionDep, settings: SettingsDep, form: SubmittedFormDep
) -> Response:
    email = form.get("email")
    try:
        address = MagicLinkRequest(email=email).email
        service.request_magic_link(session, address, settings, request_language(request))
    except ValidationError:
        return _form_error(request, email, "Enter an e-mail address like name@example.org.", 422)
    except TooManyRequests as exc:
        return _form_error(request, email, exc.detail.capitalize() + ".", 429)
    return render(
        request,
        "wallet/signin_sent.html",
        title="Check your e-mail",
        email=address,
        minutes=settings.magic_link_minutes,
    )


def _form_error(request: Request, email: str, message: str, status: int) -> Response:
    return render(
        request,
        "wallet/signin.html",
        status_code=status,
        title="Sign in to your wallet",
        email=email,
        error=message,
    )


@router.get("/{code}")
def confirm_form(code: str, request: Request, settings: SettingsDep) -> Response:
    csrf = new_signin_csrf()
    response = render(
        request,
        "wallet/signin_confirm.html",
        title="Open your wallet",
        code=code,
        csrf=csrf,
        error=None,
    )
    set_signin_csrf_cookie(response, csrf, settings)
    return response


@router.post("/{code}")
def confirm(
    code: str, request: Request, session: SessionDep, settings: SettingsDep, form: SubmittedFormDep
) -> Response:
    if not signin_csrf_matches(request, form.get("csrf")):
        return _confirm_error(request, code, settings, "The form expired. Press the button again.")
    try:
        signed_in = service.redeem_magic_link(session, code)
    except Unauthorized:
        return render(
            request,
            "wallet/signin.html",
            status_code=401,
            title="Sign in to your wallet",
            email="",
            error="This sign-in link has expired or was already used. Ask for a new one.",
        )
    response = RedirectResponse(after_signin(request), status_code=303)
    response.delete_cookie(AFTER_SIGNIN_COOKIE, path="/")
    max_age = service.LEARNER_TOKEN_DAYS * 24 * 3600
    set_wallet_cookie(response, signed_in.token, settings, max_age)
    return response


def _confirm_error(request: Request, code: str, settings: SettingsDep, message: str) -> Response:
    csrf = request.cookies.get(SIGNIN_CSRF_COOKIE) or new_signin_csrf()
    response = render(
        request,
        "wallet/signin_confirm.html",
        status_code=403,
        title="Open your wallet",
        code=code,
        csrf=csrf,
        error=message,
    )
    set_signin_csrf_cookie(response, csrf, settings)
    return response
