"""Queries for issued credentials. Every tenant query starts from `credentials_visible_to`
(requests made with a token) or `credentials_of_issuer` (issuance, already authorised).

Callers turn "not visible" into 404, so another tenant's ids are never confirmed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, false, select
from sqlalchemy.orm import Session, aliased

from credex.auth.principal import Principal
from credex.db.models import Achievement, Credential, Issuer, IssuerKey, StatusList
from credex.issuance.sql import insert_unless_conflict
from credex.status_lists.repository import CREDENTIALS, IETF_STATUS_LIST, REVOCATION


def credentials_visible_to(
    principal: Principal, issuer_id: uuid.UUID | None = None
) -> Select[Credential]:
    stmt = select(Credential)
    if principal.is_admin:
        return stmt if issuer_id is None else stmt.where(Credential.issuer_id == issuer_id)
    if principal.role == "issuer" and principal.issuer_id is not None:
        if issuer_id is not None and issuer_id != principal.issuer_id:
            return stmt.where(false())
        return stmt.where(Credential.issuer_id == principal.issuer_id)
    return stmt.where(false())


def credentials_of_issuer(issuer_id: uuid.UUID) -> Select[Credential]:
    return select(Credential).where(Credential.issuer_id == issuer_id)


def find_visible_credential(
    session: Session, principal: Principal, credential_id: uuid.UUID, *, for_update: bool = False
) -> Credential | None:
    """`for_update` serializes status changes of one credential (PostgreSQL row lock)."""
    stmt = credentials_visible_to(principal).where(Credential.id == credential_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def find_public_credential(session: Session, credential_id: uuid.UUID) -> Credential | None:
    """Unscoped, for the public page: only credentials made public."""
    return session.scalar(
        select(Credential).where(Credential.id == credential_id, Credential.public.is_(True))
    )


def by_idempotency_key(session: Session, issuer_id: uuid.UUID, key: str) -> Credential | None:
    return session.scalar(credentials_of_issuer(issuer_id).where(Credential.idempotency_key == key))


@dataclass(frozen=True)
class IssuanceContext:
    achievement: Achievement
    issuer: Issuer
    signing_key: IssuerKey | None
    open_list: StatusList | None
    open_token_list: StatusList | None = None  # the open IETF Token Status List


def issuance_context(
    session: Session, issuer_id: uuid.UUID, achievement_id: uuid.UUID
) -> IssuanceContext | None:
    """The issuer's achievement, the issuer, its active key and open status lists: one query."""
    token_list = aliased(StatusList)
    row = session.execute(
        select(Achievement, Issuer, IssuerKey, StatusList, token_list)
        .join(Issuer, Issuer.id == Achievement.issuer_id)
        .outerjoin(
            IssuerKey,
            and_(
                IssuerKey.issuer_id == Issuer.id,
                IssuerKey.status == "active",
                IssuerKey.algorithm == "Ed25519",
            ),
        )
        .outerjoin(
            StatusList,
            and_(
                StatusList.issuer_id == Issuer.id,
                StatusList.purpose == REVOCATION,
                StatusList.holder == CREDENTIALS,
                StatusList.state == "open",
            ),
        )
        .outerjoin(
            token_list,
            and_(
                token_list.issuer_id == Issuer.id,
                token_list.purpose == IETF_STATUS_LIST,
                token_list.state == "open",
            ),
        )
        .where(Achievement.id == achievement_id, Achievement.issuer_id == issuer_id)
    ).first()
    if row is None:
        return None
    achievement, issuer, key, open_list, open_token_list = row
    return IssuanceContext(achievement, issuer, key, open_list, open_token_list)


def insert_credential(session: Session, values: dict[str, Any]) -> Credential | None:
    """The stored credential, or None when its status index or idempotency key was taken."""
    return insert_unless_conflict(session, Credential, values)
