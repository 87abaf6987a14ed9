"""Endorsers (admins), endorsements (endorser tokens) and the public endorsement documents."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Self

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, model_validator

from credex.auth.principal import Principal
from credex.deps import AdminPrincipal, CurrentPrincipal, ReadSessionDep, SessionDep, SettingsDep
from credex.errors import Forbidden
from credex.issuers.public import did_document_url, issuer_identifier
from credex.issuers.schemas import IssuerCreate
from credex.recognition import endorsements
from credex.schemas_common import StrictInput, trimmed_text

router = APIRouter(tags=["recognition"])


class EndorserRead(BaseModel):
    id: uuid.UUID
    name: str
    did: str
    did_document: str


class EndorserTokenIn(StrictInput):
    name: Annotated[str, trimmed_text(200)] | None = None


class EndorserTokenCreated(BaseModel):
    id: uuid.UUID
    token: str
    role: str
    endorser_id: uuid.UUID


class EndorsementIn(StrictInput):
    achievement_id: uuid.UUID | None = None
    issuer_id: uuid.UUID | None = None
    comment: Annotated[str, trimmed_text(5000)]

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.achievement_id is None) == (self.issuer_id is None):
            raise ValueError('give exactly one of "achievement_id" and "issuer_id"')
        return self


class EndorsementCreated(BaseModel):
    id: uuid.UUID
    url: str
    credential: dict[str, Any]


class EndorsementRead(BaseModel):
    id: uuid.UUID
    withdrawn: bool


def _endorser(principal: Principal) -> Principal:
    if principal.role != "endorser":
        raise Forbidden("this action needs an endorser token")
    return principal


@router.post("/api/v1/endorsers", status_code=status.HTTP_201_CREATED, summary="Add an endorser")
def create_endorser(
    data: IssuerCreate, session: SessionDep, _admin: AdminPrincipal, settings: SettingsDep
) -> EndorserRead:
    endorser = endorsements.create_endorser(session, data, settings)
    return EndorserRead(
        id=endorser.id,
        name=endorser.name,
        did=issuer_identifier(endorser, settings.base_url),
        did_document=did_document_url(endorser.id, settings.base_url),
    )


@router.post(
    "/api/v1/endorsers/{endorser_id}/tokens",
    status_code=status.HTTP_201_CREATED,
    summary="An API token (role endorser) for an endorser",
)
def create_endorser_token(
    endorser_id: uuid.UUID, data: EndorserTokenIn, session: SessionDep, _admin: AdminPrincipal
) -> EndorserTokenCreated:
    issued = endorsements.create_endorser_token(session, endorser_id, data.name)
    return EndorserTokenCreated(
        id=issued.row.id, token=issued.token, role=issued.row.role, endorser_id=endorser_id
    )


@router.post(
    "/api/v1/endorsements", status_code=status.HTTP_201_CREATED, summary="Endorse (signed)"
)
def endorse(
    data: EndorsementIn, session: SessionDep, principal: CurrentPrincipal, settings: SettingsDep
) -> EndorsementCreated:
    row = endorsements.endorse(
        session,
        _endorser(principal),
        settings,
        achievement_id=data.achievement_id,
        issuer_id=data.issuer_id,
        comment=data.comment,
    )
    return EndorsementCreated(
        id=row.id,
        url=endorsements.endorsement_url(row.id, settings.base_url),
        credential=endorsements.published(session, row.id),
    )


@router.post("/api/v1/endorsements/{endorsement_id}/withdraw", summary="Withdraw (status list)")
def withdraw(
    endorsement_id: uuid.UUID, session: SessionDep, principal: CurrentPrincipal
) -> EndorsementRead:
    row = endorsements.withdraw(session, _endorser(principal), endorsement_id)
    return EndorsementRead(id=row.id, withdrawn=row.withdrawn_at is not None)


@router.get("/endorsements/{endorsement_id}", summary="A published EndorsementCredential")
def published(endorsement_id: uuid.UUID, session: ReadSessionDep) -> JSONResponse:
    return JSONResponse(
        endorsements.published(session, endorsement_id), media_type="application/vc+ld+json"
    )
