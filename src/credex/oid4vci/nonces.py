"""`c_nonce` values (OID4VCI 1.0 §7): unpredictable, stored hashed, single use, five minutes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import CredentialNonce
from credex.oauth.secrets import hash_secret, new_secret

NONCE_LIFETIME = timedelta(minutes=5)


def new_nonce(session: Session) -> str:
    nonce = new_secret()
    session.add(
        CredentialNonce(nonce_hash=hash_secret(nonce), expires_at=utcnow() + NONCE_LIFETIME)
    )
    session.flush()
    return nonce


def spend_nonce(session: Session, nonce: str) -> bool:
    """True once for a nonce this server issued that has not expired; False ever after."""
    row = session.scalar(
        select(CredentialNonce).where(CredentialNonce.nonce_hash == hash_secret(nonce))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return False
    spent = session.execute(
        update(CredentialNonce)
        .where(CredentialNonce.id == row.id, CredentialNonce.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return getattr(spent, "rowcount", 0) == 1
