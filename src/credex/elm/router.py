"""ELM downloads (issuer, learner, public) and the admin e-seal endpoints.

`…/elm` is the ELM v3 credential signed by the issuer (EBSI "EDC-W3C": Data Integrity
eddsa-rdfc-2022); `…/elm/jades` the same document sealed with the issuer's e-seal (404 while the
issuer has none). Access follows the OB credential's: the issuer's own (another issuer's: 404),
the learner's wallet, and anyone while the credential is public (private: 404).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from credex.deps import AdminPrincipal, IssuerPrincipal, LearnerPrincipal, SessionDep, SettingsDep
from credex.elm import seals, service
from credex.errors import NotFound
from credex.schemas_common import StrictInput

router = APIRouter()
_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {service.ELM_MEDIA_TYPE: {}}}}
_JADES_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {service.JADES_MEDIA_TYPE: {}}}
}


def _form(request: Request) -> str:
    return service.JADES_FORM if request.url.path.endswith("/jades") else service.ELM_FORM


def _download(content: str, credential_id: uuid.UUID, form: str) -> Response:
    jades = form == service.JADES_FORM
    name = f"{str(credential_id)[:8]}-elm{'-jades' if jades else ''}.json"
    return Response(
        content.encode(),
        media_type=service.JADES_MEDIA_TYPE if jades else service.ELM_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


_ELM = "The credential as ELM v3 (Europass), signed by the issuer"
_JADES = "The ELM credential sealed with the issuer's e-seal (JAdES)"


@router.get(
    "/api/v1/credentials/{credential_id}/elm",
    tags=["credentials"],
    summary=_ELM,
    responses=_RESPONSES,
)
@router.get(
    "/api/v1/credentials/{credential_id}/elm/jades",
    tags=["credentials"],
    summary=_JADES,
    responses=_JADES_RESPONSES,
)
def issuer_elm(
    credential_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> Response:
    form = _form(request)
    content = service.issuer_rendering(session, principal, credential_id, settings, form)
    return _download(content, credential_id, form)


@router.get(
    "/api/v1/wallet/credentials/{credential_id}/elm",
    tags=["wallet"],
    summary=_ELM,
    responses=_RESPONSES,
)
@router.get(
    "/api/v1/wallet/credentials/{credential_id}/elm/jades",
    tags=["wallet"],
    summary=_JADES,
    responses=_JADES_RESPONSES,
)
def wallet_elm(
    credential_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    principal: LearnerPrincipal,
    settings: SettingsDep,
) -> Response:
    form = _form(request)
    content = service.wallet_rendering(session, principal, credential_id, settings, form)
    return _download(content, credential_id, form)


@router.get("/credentials/{credential_id}/elm", tags=["public"], summary=_ELM, responses=_RESPONSES)
@router.get(
    "/credentials/{credential_id}/elm/jades",
    tags=["public"],
    summary=_JADES,
    responses=_JADES_RESPONSES,
)
def public_elm(
    credential_id: uuid.UUID, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """Only while the credential is public (a private one is 404, like its page)."""
    form = _form(request)
    content = service.public_rendering(session, credential_id, settings, form)
    return _download(content, credential_id, form)


class SealUpload(StrictInput):
    certificate_chain: str = Field(
        max_length=100_000, description="PEM X.509 certificate(s), the e-seal certificate first"
    )
    private_key: str = Field(
        max_length=10_000, description="the certificate's EC P-256 private key, unencrypted PEM"
    )


class SealRead(BaseModel):
    issuer_id: uuid.UUID
    certificate_subject: str
    created_at: datetime


@router.put(
    "/api/v1/issuers/{issuer_id}/e-seal",
    tags=["issuers"],
    summary="Upload the issuer's e-seal certificate and P-256 key (admin)",
)
def put_seal(
    issuer_id: uuid.UUID,
    data: SealUpload,
    session: SessionDep,
    settings: SettingsDep,
    caller: AdminPrincipal,
) -> SealRead:
    del caller
    seal = seals.put_seal(session, issuer_id, data.certificate_chain, data.private_key, settings)
    return SealRead(
        issuer_id=issuer_id,
        certificate_subject=seals.certificate_subject(seal),
        created_at=seal.created_at,
    )


@router.get(
    "/api/v1/issuers/{issuer_id}/e-seal",
    tags=["issuers"],
    summary="The issuer's e-seal certificate subject (admin; never the key)",
)
def get_seal(issuer_id: uuid.UUID, session: SessionDep, caller: AdminPrincipal) -> SealRead:
    del caller
    seal = seals.issuer_seal(session, issuer_id)
    if seal is None:
        raise NotFound(f"issuer {issuer_id} has no e-seal")
    return SealRead(
        issuer_id=issuer_id,
        certificate_subject=seals.certificate_subject(seal),
        created_at=seal.created_at,
    )
