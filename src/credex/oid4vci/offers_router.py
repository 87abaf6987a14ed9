"""Offers through the API: an issuer's system or the learner asks for a credential offer.

`POST /api/v1/credentials/{id}/offers` (issuer token) and `POST /api/v1/wallet/credentials/{id}/
offers` (learner token) return the offer as a deep link and as its https URL, with the
transaction code to pass on through another channel. Another tenant's or person's credential is
404; a revoked one 409.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from credex.db.models import Credential
from credex.deps import IssuerPrincipal, LearnerPrincipal, SessionDep, SettingsDep
from credex.errors import Conflict, NotFound
from credex.issuance.repository import find_visible_credential
from credex.oid4vci import offers
from credex.settings import Settings
from credex.wallet.repository import find_credential

router = APIRouter(tags=["OpenID4VCI"])


class OfferRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tx_code: bool = True  # ask the wallet for a transaction code (returned here)


class OfferRead(BaseModel):
    credential_offer_uri: str  # openid-credential-offer://?credential_offer_uri=…
    offer_url: str
    tx_code: str | None
    expires_at: datetime


class TxCodeRead(BaseModel):
    tx_code: str
    expires_at: datetime


def _offer(
    session: Session, credential: Credential | None, settings: Settings, data: OfferRequest | None
) -> OfferRead:
    if credential is None:
        raise NotFound("no credential with this id")
    if credential.status != "active":
        raise Conflict(f"a {credential.status} credential cannot be offered")
    links = offers.create_offer(
        session, credential, settings, channel="api", with_tx_code=(data or OfferRequest()).tx_code
    )
    return OfferRead(
        credential_offer_uri=links.credential_offer_uri,
        offer_url=links.offer_url,
        tx_code=links.tx_code,
        expires_at=links.expires_at,
    )


@router.post(
    "/api/v1/credentials/{credential_id}/offers",
    status_code=201,
    summary="A credential offer (OID4VCI) for an issued credential",
)
def issuer_offer(
    credential_id: uuid.UUID,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
    data: OfferRequest | None = None,
) -> OfferRead:
    credential = find_visible_credential(session, principal, credential_id)
    return _offer(session, credential, settings, data)


@router.post(
    "/api/v1/wallet/credentials/{credential_id}/offers",
    status_code=201,
    summary="A credential offer (OID4VCI) for one of my credentials",
)
def learner_offer(
    credential_id: uuid.UUID,
    session: SessionDep,
    principal: LearnerPrincipal,
    settings: SettingsDep,
    data: OfferRequest | None = None,
) -> OfferRead:
    credential = find_credential(session, principal, credential_id)
    return _offer(session, credential, settings, data)


@router.post(
    "/api/v1/wallet/credentials/{credential_id}/emailed-offer/tx-code",
    summary="A new transaction code for the offer mailed with this credential",
)
def emailed_offer_code(
    credential_id: uuid.UUID, session: SessionDep, principal: LearnerPrincipal
) -> TxCodeRead:
    credential = find_credential(session, principal, credential_id)
    offer = offers.latest_offer(session, credential.id, "email") if credential else None
    if offer is None:
        raise NotFound("no unused mailed offer for this credential")
    return TxCodeRead(tx_code=offers.replace_tx_code(offer), expires_at=offer.expires_at)
