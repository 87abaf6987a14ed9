"""Public status lists, cacheable: `GET /status-lists/{id}` (the signed
BitstringStatusListCredential of the OB 3.0 form) and `GET /token-status-lists/{id}` (the
IETF Status List Token of the SD-JWT VC form, `application/statuslist+jwt`).

`Cache-Control: max-age` equals the list's `ttl` (BSL §"Publishing", TSL §"Status List
Response": align HTTP caching with `ttl`); the strong ETag lets verifiers revalidate with
`If-None-Match` and get a 304. Token lists allow any origin (TSL §"Cross-Origin").
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Response

from credex.core.token_status import MEDIA_TYPE as STATUSLIST_JWT
from credex.deps import SessionDep, SettingsDep
from credex.status_lists import token_list
from credex.status_lists.service import TTL_SECONDS, signed_status_list, signed_token_list

VC_LD_JSON = "application/vc+ld+json"
CACHE_CONTROL = f"public, max-age={TTL_SECONDS}"

router = APIRouter(tags=["public"])


@router.get(
    "/status-lists/{list_id}",
    summary="A signed BitstringStatusListCredential",
    responses={200: {"content": {VC_LD_JSON: {}}}, 304: {"description": "not modified"}},
)
def status_list(
    list_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    signed = signed_status_list(session, list_id, settings)
    headers = {"ETag": signed.etag, "Cache-Control": CACHE_CONTROL}
    if if_none_match and _matches(if_none_match, signed.etag):
        return Response(status_code=304, headers=headers)
    return Response(signed.text.encode(), media_type=VC_LD_JSON, headers=headers)


@router.get(
    "/token-status-lists/{list_id}",
    summary="A signed IETF Status List Token (statuslist+jwt), 2 bits per credential",
    responses={200: {"content": {STATUSLIST_JWT: {}}}, 304: {"description": "not modified"}},
)
def token_status_list(
    list_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    signed = signed_token_list(session, list_id, settings)
    headers = {
        "ETag": signed.etag,
        "Cache-Control": f"public, max-age={token_list.TTL_SECONDS}",
        "Access-Control-Allow-Origin": "*",
    }
    if if_none_match and _matches(if_none_match, signed.etag):
        return Response(status_code=304, headers=headers)
    return Response(signed.text.encode(), media_type=STATUSLIST_JWT, headers=headers)


def _matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison, `*` matches anything."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
