"""`/api/v1/credentials`: issue one, list and read, revoke, suspend/reinstate, visibility.

Issuer tokens act for their own issuer; admins name one with `issuer_id`. Another issuer's
credentials answer 404, learner tokens 403. `POST` honours `Idempotency-Key` (200 on replay).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from sqlalchemy.orm import Session

from credex.audit.actors import actor_label
from credex.deps import (
    BearerToken,
    IssuerPrincipal,
    SessionDep,
    SettingsDep,
    in_unit_of_work,
    issuer_principal,
)
from credex.issuance import lifecycle, service
from credex.issuance.responses import detail_response, issued_response, to_read, wants_minimal
from credex.issuance.schemas import (
    CredentialDetailRead,
    CredentialFormat,
    CredentialRead,
    CredentialStatus,
    IssuedRead,
    IssueRequest,
    RevokeIn,
    VisibilityIn,
)
from credex.pagination import CursorParam, LimitParam, Page

router = APIRouter(prefix="/api/v1/credentials", tags=["credentials"])


@router.post(
    "",
    status_code=201,
    summary="Issue one credential (Idempotency-Key honoured)",
    response_model=IssuedRead,
    responses={200: {"model": IssuedRead, "description": "replay of an earlier request"}},
)
async def issue(
    _token: BearerToken,
    body: IssueRequest,
    request: Request,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    prefer: Annotated[str | None, Header(alias="Prefer")] = None,
) -> Response:
    """Needs an issuer token (admins name `issuer_id`). The hot path: authentication and
    issuance run in one unit of work and one thread hop (`in_unit_of_work`).

    `Prefer: return=minimal` (RFC 7240): the body is only `{"id", "status"}`, with the
    credential's `Location`; the default is the full credential as stored."""
    minimal = wants_minimal(prefer)

    def work(session: Session) -> Response:
        principal = issuer_principal(request, session, settings)
        outcome = service.issue_as(
            session, principal, body, settings, idempotency_key=idempotency_key
        )
        return issued_response(outcome.credential, created=outcome.created, minimal=minimal)

    return await in_unit_of_work(request, work)


@router.get("", summary="List issued credentials (newest first)")
def list_all(
    *,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
    issuer_id: Annotated[uuid.UUID | None, Query(description="admins: one issuer's")] = None,
    learner_id: Annotated[uuid.UUID | None, Query()] = None,
    achievement_id: Annotated[uuid.UUID | None, Query()] = None,
    status: Annotated[CredentialStatus | None, Query()] = None,
    format: Annotated[CredentialFormat | None, Query()] = None,  # noqa: A002 - the API's name
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[CredentialRead]:
    rows, next_cursor = lifecycle.list_credentials(
        session,
        principal,
        issuer_id=issuer_id,
        learner_id=learner_id,
        achievement_id=achievement_id,
        status=status,
        fmt=format,
        limit=limit,
        cursor=cursor,
    )
    return Page(items=[to_read(row, settings.base_url) for row in rows], next=next_cursor)


@router.get(
    "/{credential_id}",
    summary="One credential: metadata and the credential as issued",
    response_model=CredentialDetailRead,
)
def read(
    credential_id: uuid.UUID, session: SessionDep, principal: IssuerPrincipal, settings: SettingsDep
) -> Response:
    credential = lifecycle.get_credential(session, principal, credential_id)
    return detail_response(credential, settings.base_url)


@router.post("/{credential_id}/revoke", summary="Revoke (final; a second time is 409)")
def revoke(
    credential_id: uuid.UUID,
    data: RevokeIn,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> CredentialRead:
    credential = lifecycle.revoke_credential(
        session,
        principal,
        credential_id,
        data.reason,
        actor=actor_label(principal),
        public_reason=data.public_reason,
    )
    return to_read(credential, settings.base_url)


@router.post("/{credential_id}/visibility", summary="Make the public page visible or not")
def visibility(
    credential_id: uuid.UUID,
    data: VisibilityIn,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> CredentialRead:
    credential = lifecycle.set_visibility(
        session, principal, credential_id, data.public, actor=actor_label(principal)
    )
    return to_read(credential, settings.base_url)


@router.post(
    "/{credential_id}/suspend",
    summary="Suspend (SD-JWT VC form only: its Token Status List entry becomes SUSPENDED)",
    description=(
        "Reversible. Only the SD-JWT VC form (IETF Token Status List, 2 bits) can show a "
        "suspension: the OB 3.0 form carries a single revocation entry (OB 3.0 allows one "
        "credentialStatus), which stays unset, so its verifiers still see it valid. The "
        "credential's `status` is `suspended` everywhere in this API. Active only; else 409."
    ),
)
def suspend(
    credential_id: uuid.UUID,
    data: RevokeIn,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> CredentialRead:
    credential = lifecycle.suspend_credential(
        session,
        principal,
        credential_id,
        data.reason,
        actor=actor_label(principal),
        base_url=settings.base_url,
    )
    return to_read(credential, settings.base_url)


@router.post(
    "/{credential_id}/reinstate",
    summary="Reinstate a suspended credential (its Token Status List entry is VALID again)",
    description="Suspended only; anything else is 409. Revocation stays final.",
)
def reinstate(
    credential_id: uuid.UUID,
    data: RevokeIn,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> CredentialRead:
    credential = lifecycle.reinstate_credential(
        session, principal, credential_id, data.reason, actor=actor_label(principal)
    )
    return to_read(credential, settings.base_url)
