"""Issuer endpoints: `/api/v1/issuers…` (admin; an issuer token for its own issuer) and the
public `/issuers/{id}` Profile (or its page, for browsers) and `/issuers/{id}/did.json` DID
document (no token)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import JSONResponse

from credex.audit.actors import actor_label
from credex.deps import AdminPrincipal, IssuerPrincipal, SessionDep, SettingsDep
from credex.issuers import service
from credex.issuers.public import public_profile_document
from credex.issuers.schemas import (
    IssuerCreate,
    IssuerRead,
    IssuerTokenCreate,
    IssuerTokenCreated,
    IssuerTokenRead,
    IssuerUpdate,
    KeyCompromise,
    KeyRead,
    KeyRotation,
    RotatableAlgorithm,
)
from credex.keys import service as keys_service
from credex.keys.provisioning import ISSUER_KEY_ALGORITHMS
from credex.pagination import CursorParam, LimitParam, Page
from credex.web.document_pages import negotiated, not_found
from credex.web.issuer_page import render_issuer_page
from credex.web.negotiation import prefers_html

api = APIRouter(prefix="/api/v1/issuers", tags=["issuers"])
public = APIRouter(prefix="/issuers", tags=["public"])

DID_JSON = "application/did+json"
LD_JSON = "application/ld+json"
# Short: a compromised key's `revoked` date must reach verifiers quickly.
DID_CACHE_CONTROL = "public, max-age=60"
PROFILE_CACHE_CONTROL = "public, max-age=300"


@api.post("", status_code=status.HTTP_201_CREATED)
def create_issuer(
    data: IssuerCreate, session: SessionDep, settings: SettingsDep, admin: AdminPrincipal
) -> IssuerRead:
    view = service.create_issuer(session, data, settings, actor=actor_label(admin))
    return IssuerRead.build(view.issuer, view.active_key, settings.base_url)


@api.get("")
def list_issuers(
    session: SessionDep,
    settings: SettingsDep,
    admin: AdminPrincipal,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[IssuerRead]:
    views, next_cursor = service.list_issuers(session, admin, limit=limit, cursor=cursor)
    items = [IssuerRead.build(v.issuer, v.active_key, settings.base_url) for v in views]
    return Page(items=items, next=next_cursor)


@api.get("/{issuer_id}")
def get_issuer(
    issuer_id: uuid.UUID, session: SessionDep, settings: SettingsDep, caller: IssuerPrincipal
) -> IssuerRead:
    view = service.get_issuer(session, caller, issuer_id)
    return IssuerRead.build(view.issuer, view.active_key, settings.base_url)


@api.patch("/{issuer_id}")
def update_issuer(
    issuer_id: uuid.UUID,
    data: IssuerUpdate,
    session: SessionDep,
    settings: SettingsDep,
    caller: IssuerPrincipal,
) -> IssuerRead:
    view = service.update_issuer(session, caller, issuer_id, data)
    return IssuerRead.build(view.issuer, view.active_key, settings.base_url)


@api.post("/{issuer_id}/tokens", status_code=status.HTTP_201_CREATED)
def create_issuer_token(
    issuer_id: uuid.UUID,
    session: SessionDep,
    caller: IssuerPrincipal,
    data: IssuerTokenCreate | None = None,
) -> IssuerTokenCreated:
    issued = service.create_issuer_token(session, caller, issuer_id, data or IssuerTokenCreate())
    row = issued.row
    return IssuerTokenCreated(
        id=row.id,
        token=issued.token,
        name=row.name,
        role=row.role,
        prefix=row.prefix,
        issuer_id=issuer_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


@api.get("/{issuer_id}/tokens")
def list_issuer_tokens(
    issuer_id: uuid.UUID,
    session: SessionDep,
    caller: IssuerPrincipal,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[IssuerTokenRead]:
    rows, next_cursor = service.list_issuer_tokens(
        session, caller, issuer_id, limit=limit, cursor=cursor
    )
    items = [IssuerTokenRead.model_validate(row, from_attributes=True) for row in rows]
    return Page(items=items, next=next_cursor)


@api.get("/{issuer_id}/keys")
def list_keys(
    issuer_id: uuid.UUID, session: SessionDep, settings: SettingsDep, caller: IssuerPrincipal
) -> Page[KeyRead]:
    """Every key the issuer ever had, oldest first (an issuer has few; one page holds all)."""
    keys = keys_service.list_keys(session, caller, issuer_id)
    return Page(items=[KeyRead.build(key, settings.base_url) for key in keys], next=None)


@api.post(
    "/{issuer_id}/keys/rotate",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "a did:key issuer: its keys are its identifiers"}},
)
def rotate_key(
    issuer_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    caller: IssuerPrincipal,
    algorithm: Annotated[
        RotatableAlgorithm | None,
        Query(
            description="rotate only the `Ed25519` or only the `P-256` key; "
            "without it both active keys are rotated"
        ),
    ] = None,
) -> KeyRotation:
    """New active keys; the replaced keys become `retired` and stay in the DID document.

    The body describes the first new key (Ed25519 unless only P-256 was rotated) and lists every
    new key in `rotated`. Issuers created with `did:key` cannot rotate (409): a new key would be
    a new identifier.
    """
    algorithms = (algorithm,) if algorithm else ISSUER_KEY_ALGORITHMS
    keys = keys_service.rotate_keys(session, caller, issuer_id, settings, algorithms)
    return KeyRotation.build_all(keys, settings.base_url)


@api.post("/{issuer_id}/keys/{key_id}/compromise")
def compromise_key(
    issuer_id: uuid.UUID,
    key_id: str,
    *,
    data: KeyCompromise,
    session: SessionDep,
    settings: SettingsDep,
    caller: IssuerPrincipal,
) -> KeyRead:
    """`key_id` is the key's UUID or its name `key-<n>` (of either algorithm).

    A compromised ACTIVE key is first replaced by a new key of the same algorithm.
    """
    key = keys_service.compromise_key(
        session,
        caller,
        issuer_id,
        key_id,
        since=data.since,
        reason=data.reason,
        settings=settings,
    )
    return KeyRead.build(key, settings.base_url)


@public.get("/{issuer_id}/did.json", response_class=JSONResponse)
def did_document(issuer_id: uuid.UUID, session: SessionDep, settings: SettingsDep) -> Any:
    document = service.public_did_document(session, issuer_id, settings.base_url)
    return JSONResponse(document, media_type=DID_JSON, headers={"Cache-Control": DID_CACHE_CONTROL})


@public.get(
    "/{issuer_id}",
    response_class=JSONResponse,
    summary="The issuer's OB 3.0 Profile (JSON-LD; HTML page for browsers)",
    responses={200: {"content": {LD_JSON: {}, "text/html": {}}}},
)
def issuer_profile(
    issuer_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """The issuer as an OB 3.0 `Profile` (its `id` is the issuer's did:web)."""
    wants_html = prefers_html(accept or "")
    issuer = service.find_public_issuer(session, issuer_id)
    if issuer is None:
        return not_found(
            request,
            html=wants_html,
            detail="no issuer with this id",
            page_detail="There is no issuer at this address.",
        )
    if wants_html:
        return render_issuer_page(request, session, issuer)
    profile = public_profile_document(issuer, settings.base_url)
    return negotiated(JSONResponse(profile, media_type=LD_JSON), PROFILE_CACHE_CONTROL)


router = APIRouter()
router.include_router(api)
router.include_router(public)
