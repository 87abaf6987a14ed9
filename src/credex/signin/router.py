"""`/api/v1/signin`: ask for a magic link; exchange its code for a learner token."""

from __future__ import annotations

from fastapi import APIRouter, Request

from credex.deps import SessionDep, SettingsDep
from credex.signin import service
from credex.signin.schemas import LearnerTokenRead, MagicLinkRequest, MagicLinkSent, TokenExchange
from credex.throttling import limit_signin_client, refuse_blocked_client

router = APIRouter(prefix="/api/v1/signin", tags=["sign-in"])


@router.post(
    "/magic-link",
    status_code=202,
    summary="Mail a single-use sign-in link (same answer whether or not the address is known)",
    responses={429: {"description": "too many links for this address or client"}, 503: {}},
)
def request_link(
    data: MagicLinkRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> MagicLinkSent:
    limit_signin_client(session, request, settings.signin_per_client_per_hour)
    service.request_magic_link(session, data.email, settings)
    return MagicLinkSent(
        detail="if this address can receive mail, a sign-in link is on its way",
        expires_in_minutes=settings.magic_link_minutes,
    )


@router.post("/token", status_code=201, summary="Exchange a magic-link code for a learner token")
def exchange(data: TokenExchange, request: Request, session: SessionDep) -> LearnerTokenRead:
    refuse_blocked_client(request)
    signed_in = service.redeem_magic_link(session, data.code)
    return LearnerTokenRead(
        token=signed_in.token, email=signed_in.email, expires_at=signed_in.expires_at
    )
