"""`/oauth/authorize`: the learner signs in (magic link) and agrees to send credentials to a wallet.

Only pushed requests are accepted (RFC 9126 §5, `require_pushed_authorization_requests`), so
everything but `client_id` and `request_uri` was checked at the PAR endpoint. A learner who is
not signed in is sent to the wallet sign-in and comes back here afterwards. The answer goes to
the registered `redirect_uri` with `code`, `state` and `iss` (RFC 9207).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import Achievement, Credential, Issuer, Learner, OAuthCode
from credex.deps import SessionDep, SettingsDep
from credex.oauth import grants
from credex.oauth.router import PAR_URN
from credex.oid4vci.configurations import parse_configuration_id
from credex.settings import Settings
from credex.web.forms import SubmittedFormDep
from credex.web.nav import csrf_token_for
from credex.web.session import learner_from_cookie, remember_after_signin
from credex.web.templating import PageError, PageRoute, render

router = APIRouter(prefix="/oauth/authorize", route_class=PageRoute, include_in_schema=False)


def _pushed(session: Session, client_id: str | None, request_uri: str | None) -> OAuthCode:
    code = (
        (request_uri or "").removeprefix(PAR_URN)
        if (request_uri or "").startswith(PAR_URN)
        else None
    )
    row = grants.find_code(session, "par", code)
    if row is None or row.client_id != client_id:
        raise PageError(
            400,
            "This request cannot be used",
            "The wallet's request has expired or is not valid. Start again from your wallet.",
        )
    return row


def _redirect(row: OAuthCode, settings: Settings, **params: str) -> Response:
    state = row.request.get("state")
    values = dict(params) | ({"state": state} if state else {}) | {"iss": settings.base_url}
    separator = "&" if "?" in (row.redirect_uri or "") else "?"
    return RedirectResponse(f"{row.redirect_uri}{separator}{urlencode(values)}", status_code=303)


def _origin(uri: str) -> str:
    """What the learner should recognise of the redirect: scheme and host (or the app scheme)."""
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"


def _achievements(session: Session, row: OAuthCode) -> list[Achievement]:
    ids = [parse_configuration_id(value) for value in row.request.get("configuration_ids", [])]
    wanted = {parsed[0] for parsed in ids if parsed is not None}
    return list(session.scalars(select(Achievement).where(Achievement.id.in_(wanted))))


@router.get("")
def ask(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    params = request.query_params
    row = _pushed(session, params.get("client_id"), params.get("request_uri"))
    principal = learner_from_cookie(request, session, settings)
    if principal is None:
        return remember_after_signin(request, settings)
    issuer = session.get(Issuer, row.issuer_id)
    return render(
        request,
        "oauth/authorize.html",
        title="Add credentials to your wallet",
        issuer=issuer,
        achievements=_achievements(session, row),
        client_id=row.client_id,
        returns_to=_origin(row.redirect_uri or ""),
        request_uri=params.get("request_uri"),
        csrf=csrf_token_for(settings, principal.token_id),
    )


@router.post("")
def answer(
    request: Request, session: SessionDep, settings: SettingsDep, form: SubmittedFormDep
) -> Response:
    row = _pushed(session, form.get("client_id"), form.get("request_uri"))
    principal = learner_from_cookie(request, session, settings)
    if principal is None:
        return remember_after_signin(request, settings)
    if form.get("csrf") != csrf_token_for(settings, principal.token_id):
        raise PageError(403, "The form expired", "Go back to your wallet app and start again.")
    if not grants.spend_code(session, row):
        raise PageError(400, "Already answered", "This request was already answered.")
    if form.get("decision") != "allow":
        return _redirect(row, settings, error="access_denied")
    email = (principal.learner_email or "").strip().lower()
    held = set(
        session.scalars(
            select(Credential.achievement_id)
            .join(Learner, Learner.id == Credential.learner_id)
            .where(
                Credential.issuer_id == row.issuer_id,
                Credential.status == "active",
                Learner.email == email,
            )
        )
    )
    granted = [
        value
        for value in row.request.get("configuration_ids", [])
        if (parsed := parse_configuration_id(value)) is not None and parsed[0] in held
    ]
    if not granted:
        return _redirect(
            row,
            settings,
            error="access_denied",
            error_description="you hold no credential of this kind from this issuer",
        )
    code = grants.issue_code(
        session,
        kind="authorization",
        expires_at=utcnow() + grants.AUTHORIZATION_CODE_LIFETIME,
        issuer_id=row.issuer_id,
        learner_email=email,
        client_id=row.client_id,
        redirect_uri=row.redirect_uri,
        code_challenge=row.code_challenge,
        request=dict(row.request) | {"configuration_ids": granted},
    )
    return _redirect(row, settings, code=code)
