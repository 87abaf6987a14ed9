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

from credex.db.models import Credential, StatusEntry, StatusList
from credex.issuance.sql import insert_unless_conflict
from credex.recognition.endorsement_store import withdrawn_indexes

REVOCATION = "revocation"
IETF_STATUS_LIST = "token-status"
"""Purpose of an IETF Token Status List (2 bits per entry) rather than a Bitstring list."""
CREDENTIALS, VC_API_ENTRIES = "credentials", "vcapi"  # what a Bitstring list's indexes belong to


def _slot(purpose: str) -> tuple[Any, Any]:
    """The credential columns that hold an entry of a list with this purpose."""
    if purpose == IETF_STATUS_LIST:
        return Credential.token_list_id, Credential.token_index
    return Credential.status_list_id, Credential.status_index


def open_list(
    session: Session,
    issuer_id: uuid.UUID,
    purpose: str = REVOCATION,
    *,
    status_size: int = 1,
    holder: str = CREDENTIALS,
) -> StatusList | None:
    return session.scalar(
        select(StatusList).where(
            StatusList.issuer_id == issuer_id,
            StatusList.purpose == purpose,
            StatusList.status_size == status_size,
            StatusList.holder == holder,
            StatusList.state == "open",
        )
    )


def insert_open_list(
    session: Session,
    issuer_id: uuid.UUID,
    capacity: int,
    purpose: str = REVOCATION,
    *,
    status_size: int = 1,
    holder: str = CREDENTIALS,
) -> StatusList | None:
    """A new open list, or None if a concurrent transaction opened one first."""
    return insert_unless_conflict(
        session,
        StatusList,
        {
            "id": uuid.uuid4(),
            "issuer_id": issuer_id,
            "purpose": purpose,
            "status_size": status_size,
            "holder": holder,
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
    """Which of `candidates` are already taken in the list, by credentials or by VC-API status
    entries (one indexed lookup each)."""
    list_column, index_column = _slot(purpose)
    rows = session.scalars(
        select(index_column).where(list_column == list_id, index_column.in_(candidates))
    )
    entries = session.scalars(
        select(StatusEntry.status_index).where(
            StatusEntry.status_list_id == list_id, StatusEntry.status_index.in_(candidates)
        )
    )
    return set(rows) | set(entries)


def count_used(session: Session, list_id: uuid.UUID, purpose: str = REVOCATION) -> int:
    list_column, _ = _slot(purpose)
    counts = (
        select(func.count()).select_from(Credential).where(list_column == list_id),
        select(func.count()).select_from(StatusEntry).where(StatusEntry.status_list_id == list_id),
    )
    return sum(int(session.scalar(statement) or 0) for statement in counts)


def list_by_id(session: Session, list_id: uuid.UUID) -> StatusList | None:
    return session.get(StatusList, list_id)


def list_version(session: Session, list_id: uuid.UUID) -> int | None:
    """The list's `version` (bumped by every status change) alone: a cheap freshness check."""
    return session.scalar(select(StatusList.version).where(StatusList.id == list_id))


def revoked_indexes(session: Session, list_id: uuid.UUID) -> list[int]:
    """Revoked credentials, and withdrawn endorsements (an endorser's list holds only those)."""
    revoked = session.scalars(
        select(Credential.status_index).where(
            Credential.status_list_id == list_id, Credential.status == "revoked"
        )
    )
    return [*revoked, *withdrawn_indexes(session, list_id)]


def token_statuses(session: Session, list_id: uuid.UUID) -> list[tuple[int, str]]:
    """(index, status) of the token list's entries that are not `active`."""
    rows = session.execute(
        select(Credential.token_index, Credential.status).where(
            Credential.token_list_id == list_id, Credential.status != "active"
        )
    )
    return [(int(index), status) for index, status in rows if index is not None]


def entry_statuses(session: Session, list_id: uuid.UUID) -> list[tuple[int, int]]:
    """(index, status) of the VC-API status entries on the list whose status is not 0."""
    rows = session.execute(
        select(StatusEntry.status_index, StatusEntry.status).where(
            StatusEntry.status_list_id == list_id, StatusEntry.status != 0
        )
    )
    return [(index, status) for index, status in rows]


def mark_changed(session: Session, list_id: uuid.UUID) -> None:
    """Bump the list's version so the next GET re-signs it."""
    session.execute(
        update(StatusList)
        .where(StatusList.id == list_id)
        .values(version=StatusList.version + 1)
        .execution_options(synchronize_session=False)
    )


def insert_entry(session: Session, values: dict[str, object]) -> StatusEntry | None:
    """A VC-API status entry, or None when its index was taken concurrently."""
    return insert_unless_conflict(session, StatusEntry, {"id": uuid.uuid4(), **values})


def entries_of(session: Session, issuer_id: uuid.UUID, credential_id: str) -> list[StatusEntry]:
    """The VC-API status entries `issuer_id` allocated for the credential `credential_id`."""
    return list(
        session.scalars(
            select(StatusEntry)
            .where(StatusEntry.issuer_id == issuer_id, StatusEntry.credential_id == credential_id)
            .order_by(StatusEntry.created_at, StatusEntry.purpose)
        )
    )
