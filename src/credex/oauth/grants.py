"""One-time codes and access tokens (RFC 6749, RFC 7636 PKCE, RFC 9126 PAR, OID4VCI 1.0 §6).

A code is spent by an UPDATE that only succeeds while `used_at` is still empty (atomic on every
backend), so a replayed code fails even when two requests race. The pre-authorized code of an
offer also spends the offer: an offer delivers its credential to one wallet.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import CredentialOffer, OAuthAccessToken, OAuthCode
from credex.oauth.errors import OAuthError, invalid_token
from credex.oauth.secrets import hash_secret, new_secret, tx_code_hash

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PRE_AUTHORIZED_CODE_LIFETIME = timedelta(minutes=10)
AUTHORIZATION_CODE_LIFETIME = timedelta(minutes=5)
PAR_LIFETIME = timedelta(minutes=5)
ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
MAX_TX_CODE_FAILURES = 5


@dataclass(frozen=True)
class IssuedToken:
    token: str
    row: OAuthAccessToken

    @property
    def expires_in(self) -> int:
        return int(ACCESS_TOKEN_LIFETIME.total_seconds())


def issue_code(session: Session, *, kind: str, expires_at: datetime, **fields: Any) -> str:
    code = new_secret()
    session.add(OAuthCode(kind=kind, code_hash=hash_secret(code), expires_at=expires_at, **fields))
    session.flush()
    return code


def find_code(session: Session, kind: str, code: str | None) -> OAuthCode | None:
    """An unspent, unexpired code of `kind`, or None."""
    if not code:
        return None
    row = session.scalar(
        select(OAuthCode).where(OAuthCode.code_hash == hash_secret(code), OAuthCode.kind == kind)
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def spend_code(session: Session, row: OAuthCode) -> bool:
    spent = session.execute(
        update(OAuthCode)
        .where(OAuthCode.id == row.id, OAuthCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return getattr(spent, "rowcount", 0) == 1


def redeem_pre_authorized(session: Session, code: str | None, tx_code: str | None) -> OAuthCode:
    """The offer's code, spent, after the transaction code check (OID4VCI 1.0 §6.1, §6.3)."""
    row = find_code(session, "pre-authorized", code)
    if row is None:
        raise OAuthError("invalid_grant", "the pre-authorized code is unknown, expired or used")
    offer = session.get(CredentialOffer, row.offer_id) if row.offer_id else None
    now = utcnow()
    if offer is None or offer.redeemed_at is not None or offer.expires_at <= now:
        raise OAuthError("invalid_grant", "this credential offer was already used or expired")
    if offer.tx_code_hash is None:
        if tx_code is not None:
            raise OAuthError("invalid_request", "this offer has no transaction code; omit tx_code")
    elif not tx_code:
        raise OAuthError("invalid_request", "this offer needs its transaction code (tx_code)")
    elif not hmac.compare_digest(offer.tx_code_hash, tx_code_hash(str(offer.id), tx_code)):
        offer.tx_code_failures += 1
        if offer.tx_code_failures >= MAX_TX_CODE_FAILURES:
            offer.expires_at = now  # too many guesses: the offer is dead
        raise OAuthError("invalid_grant", "the transaction code is wrong", persist=True)
    spent_offer = session.execute(
        update(CredentialOffer)
        .where(CredentialOffer.id == offer.id, CredentialOffer.redeemed_at.is_(None))
        .values(redeemed_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(spent_offer, "rowcount", 0) != 1 or not spend_code(session, row):
        raise OAuthError("invalid_grant", "this credential offer was already used")
    return row


def pkce_matches(verifier: str, challenge: str | None) -> bool:
    """RFC 7636 §4.6, S256: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge."""
    if not challenge or not 43 <= len(verifier) <= 128:
        return False
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(computed, challenge)


def redeem_authorization_code(
    session: Session,
    code: str | None,
    *,
    verifier: str | None,
    redirect_uri: str | None,
    client_id: str | None,
) -> OAuthCode:
    row = find_code(session, "authorization", code)
    if row is None:
        raise OAuthError("invalid_grant", "the authorization code is unknown, expired or used")
    if client_id != row.client_id:
        raise OAuthError("invalid_grant", "the code was issued to another client_id")
    if redirect_uri != row.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri differs from the authorization request")
    if not verifier or not pkce_matches(verifier, row.code_challenge):
        raise OAuthError("invalid_grant", "the code_verifier does not match (PKCE S256)")
    if not spend_code(session, row):
        raise OAuthError("invalid_grant", "the authorization code was already used")
    return row


def create_access_token(
    session: Session,
    *,
    issuer_id: uuid.UUID,
    configuration_ids: Sequence[str],
    credential_id: uuid.UUID | None = None,
    learner_email: str | None = None,
    client_id: str | None = None,
) -> IssuedToken:
    token = new_secret()
    row = OAuthAccessToken(
        token_hash=hash_secret(token),
        issuer_id=issuer_id,
        credential_id=credential_id,
        learner_email=learner_email,
        client_id=client_id,
        configuration_ids=list(configuration_ids),
        expires_at=utcnow() + ACCESS_TOKEN_LIFETIME,
    )
    session.add(row)
    session.flush()
    return IssuedToken(token, row)


def bearer_access_token(session: Session, authorization: str | None) -> OAuthAccessToken:
    """The access token in `Authorization: Bearer …` (RFC 6750 §2.1), unexpired; else 401."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise invalid_token("send the access token as 'Authorization: Bearer <token>'")
    row = session.scalar(
        select(OAuthAccessToken).where(OAuthAccessToken.token_hash == hash_secret(value.strip()))
    )
    if row is None or row.expires_at <= utcnow():
        raise invalid_token("the access token is unknown or expired")
    return row
