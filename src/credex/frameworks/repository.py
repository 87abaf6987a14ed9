"""Queries for frameworks and competencies.

Frameworks are shared reference data, not tenant data, but access still starts from a few scoped
helpers: `frameworks()` / `public_frameworks()` (drafts are never public) and
`competencies_of(framework_id)`, so a competency is only ever reached through its own framework.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session, joinedload

from credex.db.models import Competency, Framework
from credex.frameworks.tree import chunks

PUBLIC_STATUSES = ("published", "retired")


def frameworks() -> Select[Framework]:
    return select(Framework)


def public_frameworks() -> Select[Framework]:
    return frameworks().where(Framework.status.in_(PUBLIC_STATUSES))


def competencies_of(framework_id: uuid.UUID) -> Select[Competency]:
    return select(Competency).where(Competency.framework_id == framework_id)


def matching(stmt: Select[Any], search_column: Any, q: str | None) -> Select[Any]:
    """Case-insensitive substring match against a pre-lower-cased search column."""
    needle = (q or "").strip().lower()
    if not needle:
        return stmt
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return stmt.where(search_column.like(f"%{escaped}%", escape="\\"))


def find_framework(
    session: Session, framework_id: uuid.UUID, *, for_update: bool = False, public: bool = False
) -> Framework | None:
    """`for_update` locks the row (PostgreSQL) so publish and edits cannot interleave."""
    stmt = (public_frameworks() if public else frameworks()).where(Framework.id == framework_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def find_competency(
    session: Session, framework_id: uuid.UUID, competency_id: uuid.UUID
) -> Competency | None:
    return session.scalar(competencies_of(framework_id).where(Competency.id == competency_id))


def find_competency_by_code(
    session: Session, framework_id: uuid.UUID, code: str
) -> Competency | None:
    return session.scalar(competencies_of(framework_id).where(Competency.code == code))


def all_competencies(session: Session, framework_id: uuid.UUID) -> Sequence[Competency]:
    stmt = competencies_of(framework_id).order_by(Competency.position, Competency.code)
    return session.scalars(stmt).all()


def parent_map(session: Session, framework_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID | None]:
    stmt = select(Competency.id, Competency.parent_id).where(
        Competency.framework_id == framework_id
    )
    return {row.id: row.parent_id for row in session.execute(stmt)}


def count_competencies(session: Session, framework_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(competencies_of(framework_id).subquery())
    return int(session.scalar(stmt) or 0)


def next_position(session: Session, framework_id: uuid.UUID) -> int:
    stmt = select(func.max(Competency.position)).where(Competency.framework_id == framework_id)
    current = session.scalar(stmt)
    return 0 if current is None else int(current) + 1


def draft_successor(session: Session, framework_id: uuid.UUID) -> Framework | None:
    stmt = frameworks().where(
        Framework.previous_version_id == framework_id, Framework.status == "draft"
    )
    return session.scalar(stmt)


def insert_competencies(session: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk insert (parents before children): one multi-row INSERT per batch, not one per row."""
    for batch in chunks(rows, 1000):
        session.execute(insert(Competency), batch)


def delete_competencies(session: Session, framework_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    for batch in chunks(ids, 500):
        session.execute(
            delete(Competency).where(
                Competency.framework_id == framework_id, Competency.id.in_(batch)
            )
        )


def delete_framework_rows(session: Session, framework: Framework) -> None:
    session.execute(delete(Competency).where(Competency.framework_id == framework.id))
    session.delete(framework)


def competencies_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Competency]:
    """For other modules (achievement alignments): competencies with their framework loaded."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    stmt = (
        select(Competency)
        .options(joinedload(Competency.framework))
        .where(Competency.id.in_(wanted))
    )
    return {row.id: row for row in session.scalars(stmt)}


def published_competencies_by_code(session: Session, codes: set[str]) -> dict[str, Competency]:
    """Competencies of published frameworks by code (the newest framework wins a clash)."""
    if not codes:
        return {}
    rows = session.scalars(
        select(Competency)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(Competency.code.in_(codes), Framework.status == "published")
        .order_by(Framework.published_at)
    ).all()
    return {row.code: row for row in rows}


def competency_codes(session: Session, ids: set[str]) -> dict[str, str]:
    """Competency id → code, for showing stored references in forms."""
    wanted = []
    for value in ids:
        try:
            wanted.append(uuid.UUID(value))
        except ValueError:
            continue
    if not wanted:
        return {}
    rows = session.execute(select(Competency.id, Competency.code).where(Competency.id.in_(wanted)))
    return {str(row[0]): row[1] for row in rows}
