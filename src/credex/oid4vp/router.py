"""OpenID4VP endpoints: the API employers' pages use, and the two a wallet talks to.

- `POST /api/v1/presentation-requests`, `GET /api/v1/presentation-requests/{id}` (public; the id
  is the secret that lets a page poll for its answer);
- `GET|POST /oid4vp/requests/{id}`: the signed request object (`application/oauth-authz-req+jwt`,
  OpenID4VP 1.0 §5.10; POST for `request_uri_method=post`);
- `POST /oid4vp/response`: the wallet's answer, `direct_post` or `direct_post.jwt` (§8.2, §8.3).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from credex.db.base import utcnow
from credex.deps import SessionDep, SettingsDep, in_unit_of_work
from credex.errors import InvalidInput
from credex.oid4vp import service
from credex.oid4vp.schemas import (
    PresentationRequestCreate,
    PresentationRequestCreated,
    PresentationRequestRead,
)
from credex.verification.ratelimit import VerificationRateLimit
from credex.verification.submission import read_limited_body

router = APIRouter(tags=["presentation requests (OpenID4VP)"])
REQUEST_OBJECT_TYPE = "application/oauth-authz-req+jwt"
NO_STORE = {"Cache-Control": "no-store"}


@router.post(
    "/api/v1/presentation-requests",
    status_code=201,
    summary="Ask a wallet for a credential: a preset or a DCQL query becomes a signed request",
    responses={429: {"description": "rate limited"}},
)
def create_presentation_request(
    data: PresentationRequestCreate,
    _limit: VerificationRateLimit,
    session: SessionDep,
    settings: SettingsDep,
) -> PresentationRequestCreated:
    row = service.create_request(session, settings, data)
    return PresentationRequestCreated(
        id=row.id, expires_at=row.expires_at, **service.links(row, settings)
    )


@router.get(
    "/api/v1/presentation-requests/{request_id}",
    summary="The request's state and, once the wallet answered, the verification report",
)
def read_presentation_request(
    request_id: uuid.UUID, session: SessionDep, response: Response
) -> PresentationRequestRead:
    row = service.get_request(session, request_id)
    response.headers.update(NO_STORE)
    return PresentationRequestRead(
        id=row.id,
        state=service.current_state(row, utcnow()),
        preset=row.preset,
        response_mode=row.response_mode,
        dcql_query=row.dcql_query,
        expires_at=row.expires_at,
        answered_at=row.answered_at,
        report=row.report,
    )


_REQUEST_OBJECT_SUMMARY = "The signed request object a wallet fetches (OpenID4VP request_uri)"
_REQUEST_OBJECT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {REQUEST_OBJECT_TYPE: {}}}
}


# Two registrations, two operation ids: one route with both methods gave them the same id,
# which FastAPI warns about and the test suite (warnings as errors) turned into a 500.
@router.get(
    service.REQUEST_PATH + "/{request_id}",
    summary=_REQUEST_OBJECT_SUMMARY,
    responses=_REQUEST_OBJECT_RESPONSES,
)
@router.post(
    service.REQUEST_PATH + "/{request_id}",
    summary=_REQUEST_OBJECT_SUMMARY,
    responses=_REQUEST_OBJECT_RESPONSES,
)
def request_object(request_id: uuid.UUID, session: SessionDep, settings: SettingsDep) -> Response:
    jws = service.signed_request_object(session, settings, request_id)
    return Response(jws, media_type=REQUEST_OBJECT_TYPE, headers=NO_STORE)


@router.post(
    service.RESPONSE_PATH,
    summary="A wallet's answer: vp_token and state (direct_post) or response (direct_post.jwt)",
)
async def wallet_response(request: Request, settings: SettingsDep) -> JSONResponse:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise InvalidInput("send the answer as application/x-www-form-urlencoded")
    body = await read_limited_body(request)
    fields = {name: values[0] for name, values in parse_qs(body.decode("utf-8", "replace")).items()}
    row_id = await in_unit_of_work(
        request, lambda session: service.receive_answer(session, settings, fields).id
    )
    # Same-device flows take the employer back to the page that waits for this answer.
    redirect = f"{settings.base_url}/verify/ask/{row_id}"
    return JSONResponse({"redirect_uri": redirect}, headers=NO_STORE)
