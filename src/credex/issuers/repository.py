"""Queries for issuers and their keys. Every tenant query starts from `issuers_visible_to`.

Isolation lives here: an issuer token sees exactly its own issuer, admins see all, anyone else
sees nothing. Callers turn "not visible" into 404, so another tenant's ids are never confirmed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import ApiToken, Issuer, IssuerKey
from credex.issuers.public import issuer_id_from_did


def issuers_visible_to(principal: Principal) -> Select[Issuer]:
    stmt = select(Issuer)
    if principal.is_admin:
        return stmt
    if principal.role == "issuer" and principal.issuer_id is not None:
        return stmt.where(Issuer.id == principal.issuer_id)
    return stmt.where(false())


def find_visible_issuer(
    session: Session, principal: Principal, issuer_id: uuid.UUID, *, for_update: bool = False
) -> Issuer | None:
    """The issuer if the caller may see it; `for_update` serializes key changes per issuer."""
    stmt = issuers_visible_to(principal).where(Issuer.id == issuer_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def find_issuer(session: Session, issuer_id: uuid.UUID) -> Issuer | None:
    """Unscoped lookup, for public documents (profile, DID document) and provisioning."""
    return session.get(Issuer, issuer_id)


def find_issuer_by_did(session: Session, did: object, base_url: str) -> Issuer | None:
    """This service's issuer named by `did`: its did:web or one of its did:keys (else None)."""
    if not isinstance(did, str):
        return None
    if did.startswith("did:key:"):
        key = key_by_controller(session, did)
        return find_issuer(session, key.issuer_id) if key is not None else None
    issuer_id = issuer_id_from_did(did, base_url)
    return find_issuer(session, issuer_id) if issuer_id is not None else None


def keys_of(session: Session, issuer_id: uuid.UUID) -> Sequence[IssuerKey]:
    return session.scalars(
        select(IssuerKey).where(IssuerKey.issuer_id == issuer_id).order_by(IssuerKey.number)
    ).all()


def key_by_number(session: Session, issuer_id: uuid.UUID, number: int) -> IssuerKey | None:
    return session.scalar(
        select(IssuerKey).where(IssuerKey.issuer_id == issuer_id, IssuerKey.number == number)
    )


def key_by_id(session: Session, issuer_id: uuid.UUID, key_id: uuid.UUID) -> IssuerKey | None:
    return session.scalar(
        select(IssuerKey).where(IssuerKey.issuer_id == issuer_id, IssuerKey.id == key_id)
    )


def key_by_controller(session: Session, did: str) -> IssuerKey | None:
    """The key a did:key issuer's did:key names (None for any other DID)."""
    return session.scalar(select(IssuerKey).where(IssuerKey.controller == did))


def active_key(
    session: Session, issuer_id: uuid.UUID, algorithm: str = "Ed25519"
) -> IssuerKey | None:
    """The issuer's active key of one algorithm (one per algorithm; see `IssuerKey`)."""
    return session.scalar(
        select(IssuerKey).where(
            IssuerKey.issuer_id == issuer_id,
            IssuerKey.status == "active",
            IssuerKey.algorithm == algorithm,
        )
    )


def active_keys(session: Session, issuer_id: uuid.UUID) -> Sequence[IssuerKey]:
    """Every active key of the issuer (one per algorithm), oldest first."""
    return session.scalars(
        select(IssuerKey)
        .where(IssuerKey.issuer_id == issuer_id, IssuerKey.status == "active")
        .order_by(IssuerKey.number)
    ).all()


def keys_of_algorithm_exist(session: Session, issuer_id: uuid.UUID, algorithm: str) -> bool:
    found = session.scalar(
        select(IssuerKey.id)
        .where(IssuerKey.issuer_id == issuer_id, IssuerKey.algorithm == algorithm)
        .limit(1)
    )
    return found is not None


def lock_issuer(session: Session, issuer_id: uuid.UUID) -> Issuer | None:
    """The issuer row, locked until the end of the transaction (PostgreSQL `FOR UPDATE`)."""
    return session.scalar(select(Issuer).where(Issuer.id == issuer_id).with_for_update())


def active_keys_by_issuer(
    session: Session, issuer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, IssuerKey]:
    """Active Ed25519 keys for a page of issuers in one query (no N+1 in lists)."""
    if not issuer_ids:
        return {}
    rows = session.scalars(
        select(IssuerKey).where(
            IssuerKey.issuer_id.in_(issuer_ids),
            IssuerKey.status == "active",
            IssuerKey.algorithm == "Ed25519",
        )
    ).all()
    return {row.issuer_id: row for row in rows}


def highest_key_number(session: Session, issuer_id: uuid.UUID) -> int:
    number = session.scalar(
        select(func.max(IssuerKey.number)).where(IssuerKey.issuer_id == issuer_id)
    )
    return int(number or 0)


def tokens_of_issuer(issuer_id: uuid.UUID) -> Select[ApiToken]:
    return select(ApiToken).where(ApiToken.role == "issuer", ApiToken.issuer_id == issuer_id)
