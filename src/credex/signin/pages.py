"""The wallet's sign-in pages (`/wallet/signin`): the shared magic-link flow
(`credex.web.signin_flow`) starting a learner session."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from credex.accounts.sessions import StartedSession, start_session
from credex.settings import Settings
from credex.signin import service
from credex.web.session import WALLET_SIGNIN_PAGE, after_signin, current_web_session
from credex.web.signin_flow import SignInFlow, signin_router


def _start(session: Session, code: str, settings: Settings) -> StartedSession:
    email = service.spend_magic_link(session, code, "wallet")
    return start_session(session, kind="learner", email=email, settings=settings)


def _signed_in(request: Request, session: Session, settings: Settings) -> bool:
    return current_web_session(request, session, settings) is not None


router = signin_router(
    SignInFlow(
        purpose="wallet",
        path=WALLET_SIGNIN_PAGE,
        form_template="wallet/signin.html",
        sent_template="wallet/signin_sent.html",
        confirm_template="wallet/signin_confirm.html",
        title="Sign in to your wallet",
        confirm_title="Open your wallet",
        start=_start,
        landing=after_signin,
        signed_in=_signed_in,
    )
)
