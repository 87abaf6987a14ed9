"""Queries for status lists and the credential indexes they hold.

Status lists are reached either through an issuer already authorised by the caller (issuance,
revocation) or publicly by id (the list credential is public by design), so there is no
principal-scoped helper here.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from credex.db.models import Credential, StatusList
from credex.issuance.sql import insert_unless_conflict

REVOCATION = "revocation"
IETF_STATUS_LIST = "token-status"
"""Purpose of an IETF Token Status List (2 bits per entry) rather than a Bitstring list."""


def _slot(purpose: str) -> tuple[Any, Any]:
    """The credential columns that hold an entry of a list with this purpose."""
    if purpose == IETF_STATUS_LIST:
        return Credential.token_list_id, Credential.token_index
    return Credential.status_list_id, Credential.status_index


def open_list(
    session: Session, issuer_id: uuid.UUID, purpose: str = REVOCATION
) -> StatusList | None:
    return session.scalar(
        select(StatusList).where(
            StatusList.issuer_id == issuer_id,
            StatusList.purpose == purpose,
            StatusList.state == "open",
        )
    )


def insert_open_list(
    session: Session, issuer_id: uuid.UUID, capacity: int, purpose: str = REVOCATION
) -> StatusList | None:
    """A new open list, or None if a concurrent transaction opened one first."""
    return insert_unless_conflict(
        session,
        StatusList,
        {
            "id": uuid.uuid4(),
            "issuer_id": issuer_id,
            "purpose": purpose,
            "capacity": capacity,
            "state": "open",
        },
    )


def close_list(session: Session, list_id: uuid.UUID) -> bool:
    """Mark an open list full; False when another transaction already did (row-locked)."""
    result = session.execute(
        update(StatusList)
        .where(StatusList.id == list_id, StatusList.state == "open")
        .values(state="full")
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def used_among(
    session: Session, list_id: uuid.UUID, candidates: Collection[int], purpose: str = REVOCATION
) -> set[int]:
    """Which of `candidates` are already taken in the list (one indexed lookup)."""
    list_column, index_column = _slot(purpose)
    rows = session.scalars(
        select(index_column).where(list_column == list_id, index_column.in_(candidates))
    )
    return set(rows)


def count_used(session: Session, list_id: uuid.UUID, purpose: str = REVOCATION) -> int:
    list_column, _ = _slot(purpose)
    return int(
        session.scalar(select(func.count()).select_from(Credential).where(list_column == list_id))
        or 0
    )


def list_by_id(session: Session, list_id: uuid.UUID) -> StatusList | None:
    return session.get(StatusList, list_id)


def revoked_indexes(session: Session, list_id: uuid.UUID) -> list[int]:
    return list(
        session.scalars(
            select(Credential.status_index).where(
                Credential.status_list_id == list_id, Credential.status == "revoked"
            )
        )
    )


def token_statuses(session: Session, list_id: uuid.UUID) -> list[tuple[int, str]]:
    """(index, status) of the token list's entries that are not `active`."""
    rows = session.execute(
        select(Credential.token_index, Credential.status).where(
            Credential.token_list_id == list_id, Credential.status != "active"
        )
    )
    return [(int(index), status) for index, status in rows if index is not None]


def mark_changed(session: Session, list_id: uuid.UUID) -> None:
    """Bump the list's version so the next GET re-signs it."""
    session.execute(
        update(StatusList)
        .where(StatusList.id == list_id)
        .values(version=StatusList.version + 1)
        .execution_options(synchronize_session=False)
    )
