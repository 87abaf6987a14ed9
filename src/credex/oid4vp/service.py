"""Presentation requests: create, serve the signed request object, receive and check answers.

A request is pending until its wallet answers or it expires (10 minutes). The answer is checked
at once and only its report is kept; a second answer to the same request (a replay) is refused
and changes nothing. Old requests are swept when new ones are made.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.core.errors import CoreError
from credex.core.jwt_sign import numeric_date
from credex.core.oid4vp import jwe
from credex.core.oid4vp.dcql import parse_query, preset_query
from credex.core.oid4vp.request import parse_vp_token, request_object, wallet_link
from credex.db.base import utcnow
from credex.db.models import PresentationRequest
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.oid4vp import identity
from credex.oid4vp.checking import check_answer, refused
from credex.oid4vp.schemas import PresentationRequestCreate
from credex.settings import Settings
from credex.verification.service import Verifier, make_fetcher

LIFETIME = timedelta(minutes=10)
KEEP_ANSWERED = timedelta(days=1)
REQUEST_PATH = "/oid4vp/requests"
RESPONSE_PATH = "/oid4vp/response"


def _query_for(data: PresentationRequestCreate, base_url: str) -> dict[str, Any]:
    if data.dcql_query is not None:
        try:
            parse_query(data.dcql_query)
        except CoreError as exc:
            raise InvalidInput(exc.detail, errors=[field_error("/dcql_query", exc.detail)]) from exc
        return data.dcql_query
    try:
        return preset_query(
            str(data.preset),
            achievement_url=achievement_url(data.achievement_id, base_url)
            if data.achievement_id
            else None,
            min_eqf=data.min_eqf,
            claims=data.claims,
        )
    except ValueError as exc:
        raise InvalidInput(str(exc), errors=[field_error("/preset", str(exc))]) from exc


def create_request(
    session: Session, settings: Settings, data: PresentationRequestCreate
) -> PresentationRequest:
    now = utcnow()
    session.execute(
        delete(PresentationRequest).where(PresentationRequest.expires_at < now - KEEP_ANSWERED)
    )
    row = PresentationRequest(
        id=uuid.uuid4(),
        nonce=secrets.token_urlsafe(24),
        state=secrets.token_urlsafe(24),
        status="pending",
        preset=data.preset or "dcql",
        response_mode=data.response_mode,
        dcql_query=_query_for(data, settings.base_url),
        created_at=now,
        expires_at=now + LIFETIME,
    )
    if data.response_mode == "direct_post.jwt":
        row.encryption_key = identity.seal_encryption_key(
            settings, identity.new_encryption_key(), row.id
        )
    session.add(row)
    session.flush()
    return row


def links(row: PresentationRequest, settings: Settings) -> dict[str, str]:
    client_id = identity.verifier_client_id(settings)
    object_uri = f"{settings.base_url}{REQUEST_PATH}/{row.id}"
    return {
        "client_id": client_id,
        "request_object_uri": object_uri,
        "request_uri": wallet_link(client_id, object_uri),
        "status_url": f"{settings.base_url}/api/v1/presentation-requests/{row.id}",
    }


def current_state(row: PresentationRequest, now: datetime) -> str:
    if row.status == "pending" and row.expires_at <= now:
        return "expired"
    return row.status


def get_request(session: Session, request_id: uuid.UUID) -> PresentationRequest:
    row = session.get(PresentationRequest, request_id)
    if row is None:
        raise NotFound(f"no presentation request {request_id}")
    return row


def signed_request_object(session: Session, settings: Settings, request_id: uuid.UUID) -> str:
    """The JWS the wallet fetches; only while the request waits for its answer."""
    row = get_request(session, request_id)
    if current_state(row, utcnow()) != "pending":
        raise NotFound("this presentation request has expired or was already answered")
    encryption = None
    if row.encryption_key:
        key = identity.open_encryption_key(settings, row.encryption_key, row.id)
        encryption = jwe.public_jwk(key) | {"kid": str(row.id), "use": "enc", "alg": "ECDH-ES"}
    return request_object(
        identity.verifier_signer(settings),
        client_id=identity.verifier_client_id(settings),
        response_uri=settings.base_url + RESPONSE_PATH,
        response_mode=row.response_mode,
        nonce=row.nonce,
        state=row.state,
        dcql_query=row.dcql_query,
        issued_at=numeric_date(row.created_at),
        expires_at=numeric_date(row.expires_at),
        encryption_jwk=encryption,
    )


def _pending_by_state(session: Session, state: str) -> PresentationRequest:
    row = session.scalar(
        select(PresentationRequest).where(PresentationRequest.state == state).with_for_update()
    )
    if row is None:
        raise NotFound("no presentation request has this state")
    return row


def _open(
    session: Session, settings: Settings, form: Mapping[str, str]
) -> tuple[PresentationRequest, Mapping[str, Any]]:
    """The request an answer is for, and the answer's parameters (decrypted if need be)."""
    if "response" in form:
        try:
            kid = jwe.protected_header(form["response"]).get("kid")
            request_id = uuid.UUID(str(kid))
        except (CoreError, ValueError) as exc:
            raise InvalidInput("the encrypted response does not name its request (kid)") from exc
        row = session.get(PresentationRequest, request_id, with_for_update=True)
        if row is None or not row.encryption_key:
            raise NotFound("no presentation request expects this encrypted response")
        key = identity.open_encryption_key(settings, row.encryption_key, row.id)
        try:
            params = jwe.decrypt(form["response"], key)
        except CoreError as exc:
            raise InvalidInput(exc.detail) from exc
        if params.get("state") != row.state:
            raise InvalidInput("the encrypted response carries another request's state")
        return row, params
    state = form.get("state")
    if not state:
        raise InvalidInput("the response has no state", errors=[field_error("/state", "required")])
    row = _pending_by_state(session, state)
    if row.response_mode != "direct_post":
        raise InvalidInput("this request expects an encrypted response (direct_post.jwt)")
    return row, form


def receive_answer(
    session: Session, settings: Settings, form: Mapping[str, str]
) -> PresentationRequest:
    """Check a wallet's answer and keep only the report; a second answer is a 409."""
    row, params = _open(session, settings, form)
    now = utcnow()
    state = current_state(row, now)
    if state != "pending":
        raise Conflict(f"this presentation request is {state}: an answer is accepted only once")
    if params.get("error"):
        description = str(params.get("error_description") or "")
        report = refused(
            f"The wallet did not present a credential ({params['error']}). {description}".strip()
        )
    else:
        try:
            token = parse_vp_token(params.get("vp_token") or "")
        except ValueError as exc:
            report = refused(f"The answer could not be read: {exc}")
        else:
            verifier = Verifier(session, settings, make_fetcher(settings))
            report = check_answer(
                verifier,
                dcql_query=row.dcql_query,
                vp_token=token,
                client_id=identity.verifier_client_id(settings),
                nonce=row.nonce,
            )
    row.report = report
    row.status = "verified" if report["verified"] else "failed"
    row.answered_at = now
    return row
