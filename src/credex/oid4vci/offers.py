"""Credential offers by reference (OID4VCI 1.0 §4.1.3) for credentials already issued.

An offer is a secret URL, `<base_url>/oid4vci/offers/<secret>`, handed to a wallet as
`openid-credential-offer://?credential_offer_uri=<that URL>` (a QR code or a same-device link).
Only hashes are stored: each fetch of the offer mints a fresh pre-authorized code (stored hashed,
10 minutes); the first code redeemed spends the whole offer. A transaction code, when asked for,
reaches the learner on the other channel (e-mail for an on-screen offer, the wallet page for an
e-mailed one) and can be re-issued there (`replace_tx_code`), which replaces the previous one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import Credential, CredentialOffer, OAuthCode
from credex.oauth.grants import PRE_AUTHORIZED_CODE_LIFETIME, PRE_AUTHORIZED_GRANT, issue_code
from credex.oauth.secrets import TX_CODE_LENGTH, hash_secret, new_secret, tx_code_hash
from credex.oauth.secrets import new_tx_code as random_tx_code
from credex.oid4vci.configurations import configuration_ids, credential_issuer_id
from credex.oid4vci.metadata import endpoint
from credex.settings import Settings

OFFER_SCHEME = "openid-credential-offer://"
MAX_FETCHES = 20
TX_CODE_DESCRIPTION = {
    "email": "Enter the code shown in your credex wallet, next to this credential",
    "screen": "Enter the code we just sent to your e-mail address",
    "api": "Enter the code you were given with this offer",
}


@dataclass(frozen=True)
class OfferLinks:
    offer_id: uuid.UUID
    credential_offer_uri: str  # openid-credential-offer://?credential_offer_uri=…
    offer_url: str
    tx_code: str | None
    expires_at: datetime


def offer_url(secret: str, base_url: str) -> str:
    return endpoint(base_url, f"offers/{secret}")


def deep_link(url: str) -> str:
    return f"{OFFER_SCHEME}?credential_offer_uri={quote(url, safe='')}"


def create_offer(
    session: Session,
    credential: Credential,
    settings: Settings,
    *,
    channel: str,
    with_tx_code: bool = True,
    lifetime: timedelta | None = None,
) -> OfferLinks:
    """A new offer of `credential` (already checked to be the caller's)."""
    secret = new_secret()
    offer_id = uuid.uuid4()
    tx_code = random_tx_code() if with_tx_code else None
    expires_at = utcnow() + (lifetime or timedelta(minutes=settings.offer_minutes))
    session.add(
        CredentialOffer(
            id=offer_id,
            issuer_id=credential.issuer_id,
            credential_id=credential.id,
            channel=channel,
            secret_hash=hash_secret(secret),
            tx_code_hash=tx_code_hash(str(offer_id), tx_code) if tx_code else None,
            expires_at=expires_at,
        )
    )
    session.flush()
    url = offer_url(secret, settings.base_url)
    return OfferLinks(offer_id, deep_link(url), url, tx_code, expires_at)


def replace_tx_code(offer: CredentialOffer) -> str:
    """A new transaction code for the offer (the learner asked to see it again)."""
    code = random_tx_code()
    offer.tx_code_hash = tx_code_hash(str(offer.id), code)
    offer.tx_code_failures = 0
    return code


def live_offer(session: Session, secret: str) -> CredentialOffer | None:
    offer = session.scalar(
        select(CredentialOffer).where(CredentialOffer.secret_hash == hash_secret(secret))
    )
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= utcnow():
        return None
    credential = session.get(Credential, offer.credential_id)
    if credential is None or credential.status != "active":
        return None
    return offer


def offer_document(
    session: Session, offer: CredentialOffer, base_url: str
) -> dict[str, Any] | None:
    """The Credential Offer object (§4.1.1) with a freshly minted pre-authorized code; None once
    the offer was fetched `MAX_FETCHES` times (each fetch stores a code: a bound on rows)."""
    fetched = session.scalar(
        select(func.count()).select_from(OAuthCode).where(OAuthCode.offer_id == offer.id)
    )
    if (fetched or 0) >= MAX_FETCHES:
        return None
    credential = session.get(Credential, offer.credential_id)
    assert credential is not None  # checked by live_offer
    ids = configuration_ids(credential.achievement_id)
    code = issue_code(
        session,
        kind="pre-authorized",
        expires_at=min(offer.expires_at, utcnow() + PRE_AUTHORIZED_CODE_LIFETIME),
        issuer_id=offer.issuer_id,
        offer_id=offer.id,
        credential_id=offer.credential_id,
        request={"configuration_ids": ids},
    )
    grant: dict[str, Any] = {"pre-authorized_code": code}
    if offer.tx_code_hash is not None:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": TX_CODE_LENGTH,
            "description": TX_CODE_DESCRIPTION[offer.channel],
        }
    return {
        "credential_issuer": credential_issuer_id(offer.issuer_id, base_url),
        "credential_configuration_ids": ids,
        # Wallets that only do the authorization-code flow (HAIP) may use it instead: the
        # learner then signs in and agrees (`credex.oauth.authorize`).
        "grants": {PRE_AUTHORIZED_GRANT: grant, "authorization_code": {}},
    }


def latest_offer(
    session: Session, credential_id: uuid.UUID, channel: str
) -> CredentialOffer | None:
    return session.scalar(
        select(CredentialOffer)
        .where(
            CredentialOffer.credential_id == credential_id,
            CredentialOffer.channel == channel,
            CredentialOffer.redeemed_at.is_(None),
            CredentialOffer.expires_at > utcnow(),
        )
        .order_by(CredentialOffer.created_at.desc())
        .limit(1)
    )
