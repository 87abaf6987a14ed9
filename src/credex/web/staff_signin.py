"""Staff sign-in pages (`/signin`): ask for a link by e-mail, confirm it with one button press,
and sign out (`/signout`, for everybody). The same magic links, outbox and SMTP setting serve
the learners' wallet sign-in; no page ever asks for a pasted API token.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from credex.accounts.signin import sign_in_staff, sign_out
from credex.deps import SessionDep, SettingsDep
from credex.settings import Settings
from credex.web.forms import SubmittedFormDep
from credex.web.nav import csrf_token_for
from credex.web.session import (
    ADMIN_HOME,
    STAFF_HOME,
    STAFF_SIGNIN_PAGE,
    clear_session_cookie,
    current_web_session,
    staff_from_session,
)
from credex.web.signin_flow import SignInFlow, signin_router
from credex.web.templating import PageError, PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _landing(request: Request) -> str:
    """The console for people who work for an issuer, else the admin console."""
    row = getattr(request.state, "started_session", None) or getattr(
        request.state, "web_session", None
    )
    return STAFF_HOME if row is not None and row.active_issuer_id is not None else ADMIN_HOME


def _signed_in(request: Request, session: Session, settings: Settings) -> bool:
    return staff_from_session(request, session, settings) is not None


router.include_router(
    signin_router(
        SignInFlow(
            purpose="staff",
            path=STAFF_SIGNIN_PAGE,
            form_template="signin/staff.html",
            sent_template="signin/staff_sent.html",
            confirm_template="signin/staff_confirm.html",
            title="Staff sign-in",
            confirm_title="Staff sign-in",
            start=sign_in_staff,
            landing=_landing,
            signed_in=_signed_in,
        )
    )
)


@router.post("/signout")
def signout(
    request: Request, session: SessionDep, settings: SettingsDep, form: SubmittedFormDep
) -> Response:
    row = current_web_session(request, session, settings)
    if row is not None:
        if not hmac.compare_digest(form.get("csrf_token"), csrf_token_for(settings, row.id)):
            raise PageError(
                403,
                "Form expired",
                "The form could not be verified. Reload the page and try again.",
            )
        sign_out(session, row)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/admin/login")
def old_admin_login() -> RedirectResponse:
    """The old token-pasting page: admins now sign in like all staff."""
    return RedirectResponse(STAFF_SIGNIN_PAGE + "?next=/admin", status_code=303)
