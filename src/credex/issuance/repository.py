"""Queries for issued credentials. Every tenant query starts from `credentials_visible_to`
(requests made with a token) or `credentials_of_issuer` (issuance, already authorised).

Callers turn "not visible" into 404, so another tenant's ids are never confirmed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.epoch import epoch_cached
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
    """`achievement`, `issuer` and `signing_key` are detached rows shared by every request of
    the process (see `issuance_context`): read them, never modify or attach them."""

    achievement: Achievement
    issuer: Issuer
    signing_key: IssuerKey | None
    open_list: StatusList | None
    open_token_list: StatusList | None = None  # the open IETF Token Status List


def issuance_context(
    session: Session, issuer_id: uuid.UUID, achievement_id: uuid.UUID
) -> IssuanceContext | None:
    """The issuer's achievement, the issuer and its active Ed25519 key (one query, then kept
    per process until the change epoch moves: achievements, issuers and keys are watched, see
    `credex.db.epoch`), and the issuer's open status lists (they roll over, so they are read
    every time: one query for both)."""
    cached = epoch_cached(
        session,
        "issuance-context",
        (issuer_id, achievement_id),
        lambda: _load_context(session, issuer_id, achievement_id),
    )
    if cached is None:
        return None
    lists = {
        found.purpose: found
        for found in session.scalars(
            select(StatusList).where(
                StatusList.issuer_id == issuer_id,
                StatusList.state == "open",
                or_(
                    and_(StatusList.purpose == REVOCATION, StatusList.holder == CREDENTIALS),
                    StatusList.purpose == IETF_STATUS_LIST,
                ),
            )
        )
    }
    return replace(
        cached, open_list=lists.get(REVOCATION), open_token_list=lists.get(IETF_STATUS_LIST)
    )


def _load_context(
    session: Session, issuer_id: uuid.UUID, achievement_id: uuid.UUID
) -> IssuanceContext | None:
    row = session.execute(
        select(Achievement, Issuer, IssuerKey)
        .join(Issuer, Issuer.id == Achievement.issuer_id)
        .outerjoin(
            IssuerKey,
            and_(
                IssuerKey.issuer_id == Issuer.id,
                IssuerKey.status == "active",
                IssuerKey.algorithm == "Ed25519",
            ),
        )
        .where(Achievement.id == achievement_id, Achievement.issuer_id == issuer_id)
    ).first()
    if row is None:
        return None
    achievement, issuer, key = row
    # Detach them: a rollback of this session must not expire what other requests read.
    for loaded in (achievement, issuer, key):
        if loaded is not None and loaded in session:
            session.expunge(loaded)
    return IssuanceContext(achievement, issuer, key, None)


def insert_credential(session: Session, values: dict[str, Any]) -> Credential | None:
    """The stored credential, or None when its status index or idempotency key was taken."""
    return insert_unless_conflict(session, Credential, values)
