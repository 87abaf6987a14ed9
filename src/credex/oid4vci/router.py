"""OID4VCI 1.0 endpoints: issuer metadata, offers by reference, nonce, credential, notification."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from credex.db.models import Issuer
from credex.deps import ReadSessionDep, SettingsDep, in_unit_of_work
from credex.errors import NotFound
from credex.oauth.errors import NO_STORE, OAUTH_RESPONSES, OAuthError
from credex.oauth.grants import bearer_access_token
from credex.oid4vci import credential, offers
from credex.oid4vci.metadata import credential_issuer_metadata, service_issuer_metadata
from credex.oid4vci.nonces import new_nonce

router = APIRouter(tags=["OpenID4VCI"], responses=OAUTH_RESPONSES)


def _metadata(session: Session, issuer_id: uuid.UUID, base_url: str) -> dict[str, Any]:
    issuer = session.get(Issuer, issuer_id)
    if issuer is None:
        raise NotFound("no credential issuer here")
    return credential_issuer_metadata(session, issuer, base_url)


@router.get(
    "/.well-known/openid-credential-issuer",
    summary="Credential Issuer Metadata of the service-wide issuer (every issuer's configurations)",
)
def service_metadata(session: ReadSessionDep, settings: SettingsDep) -> dict[str, Any]:
    return service_issuer_metadata(session, settings.base_url)


@router.get(
    "/.well-known/openid-credential-issuer/issuers/{issuer_id}",
    summary="Credential Issuer Metadata (OID4VCI 1.0 §12.2)",
)
def issuer_metadata(
    issuer_id: uuid.UUID, session: ReadSessionDep, settings: SettingsDep
) -> dict[str, Any]:
    return _metadata(session, issuer_id, settings.base_url)


@router.get(
    "/issuers/{issuer_id}/.well-known/openid-credential-issuer",
    summary="The same metadata, for wallets that append the well-known suffix (draft habit)",
)
def issuer_metadata_appended(
    issuer_id: uuid.UUID, session: ReadSessionDep, settings: SettingsDep
) -> dict[str, Any]:
    return _metadata(session, issuer_id, settings.base_url)


@router.get("/oid4vci/offers/{secret}", summary="A credential offer by reference (§4.1.3)")
async def offer(secret: str, request: Request, settings: SettingsDep) -> Response:
    def work(session: Session) -> dict[str, Any]:
        found = offers.live_offer(session, secret)
        document = offers.offer_document(session, found, settings.base_url) if found else None
        if document is None:
            raise NotFound("this credential offer has expired, was used, or never existed")
        return document

    return JSONResponse(await in_unit_of_work(request, work), headers=NO_STORE)


@router.post("/oid4vci/nonce", summary="A fresh c_nonce (§7)")
async def nonce(request: Request) -> Response:
    value = await in_unit_of_work(request, new_nonce)
    return JSONResponse({"c_nonce": value}, headers=NO_STORE)


async def _json(request: Request, error: str) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise OAuthError(error, "the body must be JSON") from exc


@router.post("/oid4vci/credential", summary="Credential endpoint (§8)")
async def credential_endpoint(request: Request, settings: SettingsDep) -> Response:
    authorization = request.headers.get("authorization")
    body = await _json(request, "invalid_credential_request")

    def work(session: Session) -> dict[str, Any]:
        token = bearer_access_token(session, authorization)
        delivered = credential.deliver(session, token, body, settings)
        return {
            "credentials": [{"credential": delivered.credential}],
            "notification_id": delivered.notification_id,
        }

    return JSONResponse(await in_unit_of_work(request, work), headers=NO_STORE)


@router.post("/oid4vci/notification", status_code=204, summary="Notification endpoint (§11)")
async def notification(request: Request) -> Response:
    authorization = request.headers.get("authorization")
    body = await _json(request, "invalid_notification_request")

    def work(session: Session) -> None:
        token = bearer_access_token(session, authorization)
        credential.notify(session, token, body)

    await in_unit_of_work(request, work)
    return Response(status_code=204)
