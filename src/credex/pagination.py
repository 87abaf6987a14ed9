"""Keyset pagination for every list: `{"items": [...], "next": "<cursor or null>"}`.

Cursors are opaque (base64url JSON of the last row's sort key), stable under inserts, and cost
one indexed range scan regardless of depth, unlike OFFSET.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from credex.errors import InvalidInput

T = TypeVar("T")
ItemT = TypeVar("ItemT")

MAX_LIMIT = 500
DEFAULT_LIMIT = 50

LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
CursorParam = Annotated[str | None, Query(description="`next` from the previous page")]


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next: str | None


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, row_id = json.loads(raw)
        return datetime.fromisoformat(created), uuid.UUID(row_id)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("the cursor is not one this service issued") from exc


def paginate(
    session: Session,
    stmt: Select[T],
    *,
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[uuid.UUID],
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[T], str | None]:
    """Newest first; returns the rows of one page and the cursor of the next (or None)."""
    if cursor:
        after_created, after_id = decode_cursor(cursor)
        stmt = stmt.where(
            or_(created_at < after_created, (created_at == after_created) & (row_id < after_id))
        )
    rows = session.scalars(stmt.order_by(created_at.desc(), row_id.desc()).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(getattr(last, "created_at"), getattr(last, "id"))  # noqa: B009


def page_of(
    rows: Sequence[T], next_cursor: str | None, render: Callable[[T], Any]
) -> dict[str, Any]:
    return {"items": [render(row) for row in rows], "next": next_cursor}
