"""The authorization server's endpoints: metadata, token, pushed authorization requests.

The browser part of the authorization-code flow (`/oauth/authorize`) is in `authorize.py`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.deps import SettingsDep, in_unit_of_work
from credex.oauth import grants
from credex.oauth.errors import NO_STORE, OAUTH_RESPONSES, OAuthError
from credex.oauth.requests import issuer_of, requested_ids
from credex.oid4vci.metadata import authorization_server_metadata
from credex.throttling import refuse_blocked_client

router = APIRouter(tags=["OAuth 2.0"], responses=OAUTH_RESPONSES)
PAR_URN = "urn:ietf:params:oauth:request_uri:"


async def _form(request: Request) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise OAuthError("invalid_request", "send application/x-www-form-urlencoded")
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.get("/.well-known/oauth-authorization-server", summary="RFC 8414 metadata")
async def metadata(settings: SettingsDep) -> dict[str, Any]:
    return authorization_server_metadata(settings.base_url)


def _token_body(token: grants.IssuedToken, granted: list[str], details: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "access_token": token.token,
        "token_type": "Bearer",
        "expires_in": token.expires_in,
    }
    if details:  # OID4VCI 1.0 §6.2: REQUIRED when authorization_details was used
        body["authorization_details"] = [
            {
                "type": "openid_credential",
                "credential_configuration_id": value,
                "credential_identifiers": [value],
            }
            for value in granted
        ]
    return body


def _narrowed(offered: list[str], asked: list[str] | None) -> list[str]:
    if asked is None:
        return offered
    if not asked or any(value not in offered for value in asked):
        raise OAuthError("invalid_grant", "a credential configuration asked for was not offered")
    return asked


def _token(session: Session, form: dict[str, str]) -> dict[str, Any]:
    grant_type = form.get("grant_type")
    asked = requested_ids(form.get("authorization_details"), form.get("scope"))
    if grant_type == grants.PRE_AUTHORIZED_GRANT:
        code = grants.redeem_pre_authorized(
            session, form.get("pre-authorized_code"), form.get("tx_code")
        )
        client_id = form.get("client_id")
    elif grant_type == "authorization_code":
        client_id = form.get("client_id")
        code = grants.redeem_authorization_code(
            session,
            form.get("code"),
            verifier=form.get("code_verifier"),
            redirect_uri=form.get("redirect_uri"),
            client_id=client_id,
        )
    else:
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    assert code.issuer_id is not None
    granted = _narrowed(list(code.request.get("configuration_ids", [])), asked)
    token = grants.create_access_token(
        session,
        issuer_id=code.issuer_id,
        configuration_ids=granted,
        credential_id=code.credential_id,
        learner_email=code.learner_email,
        client_id=client_id,
    )
    details = "authorization_details" in form or bool(code.request.get("authorization_details"))
    return _token_body(token, granted, details)


@router.post("/oauth/token", summary="Token endpoint (pre-authorized code, authorization code)")
async def token(request: Request) -> Response:
    refuse_blocked_client(request)  # too many wrong codes from this client: no look-up at all
    form = await _form(request)

    def work(session: Session) -> dict[str, Any] | OAuthError:
        try:
            return _token(session, form)
        except OAuthError as exc:
            if exc.persist:
                return exc  # commit the counted failure, then answer with the error
            raise

    result = await in_unit_of_work(request, work)
    if isinstance(result, OAuthError):
        raise result
    return JSONResponse(result, headers=NO_STORE)


def _par(session: Session, form: dict[str, str]) -> dict[str, Any]:
    if "request_uri" in form:
        raise OAuthError("invalid_request", "request_uri is not allowed in a pushed request")
    if form.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "response_type must be code")
    client_id, redirect_uri = form.get("client_id"), form.get("redirect_uri")
    if not client_id or not redirect_uri:
        raise OAuthError("invalid_request", "client_id and redirect_uri are required")
    if redirect_uri.split(":", 1)[0].lower() in ("javascript", "data", "vbscript", "file"):
        raise OAuthError("invalid_request", "this redirect_uri scheme is not allowed")
    if form.get("code_challenge_method") != "S256" or not form.get("code_challenge"):
        raise OAuthError("invalid_request", "PKCE with code_challenge_method S256 is required")
    asked = requested_ids(form.get("authorization_details"), form.get("scope"))
    if not asked:
        raise OAuthError("invalid_request", "send authorization_details or scope")
    issuer_id = issuer_of(session, asked)
    code = grants.issue_code(
        session,
        kind="par",
        expires_at=utcnow() + grants.PAR_LIFETIME,
        issuer_id=issuer_id,
        client_id=client_id,
        redirect_uri=redirect_uri,
        code_challenge=form["code_challenge"],
        request={
            "configuration_ids": asked,
            "state": form.get("state"),
            "authorization_details": "authorization_details" in form,
        },
    )
    return {"request_uri": PAR_URN + code, "expires_in": int(grants.PAR_LIFETIME.total_seconds())}


@router.post("/oauth/par", status_code=201, summary="Pushed authorization request (RFC 9126)")
async def par(request: Request) -> Response:
    form = await _form(request)
    body = await in_unit_of_work(request, lambda session: _par(session, form))
    return JSONResponse(body, status_code=201, headers=NO_STORE)
