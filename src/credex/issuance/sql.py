"""`INSERT … ON CONFLICT DO NOTHING RETURNING`: race-safe inserts without a SAVEPOINT.

Used where two transactions may insert the same unique key at once (a learner's e-mail, a
status list index, an idempotency key). On PostgreSQL the statement waits for a concurrent
transaction holding the same key and then reports the conflict as "no row" instead of aborting
the whole transaction, so the caller can look the winner up or retry, in the same unit of work.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from credex.db.base import Base

ModelT = TypeVar("ModelT", bound=Base)


def insert_unless_conflict(
    session: Session, model: type[ModelT], values: dict[str, Any]
) -> ModelT | None:
    """Insert one row and return it as a persistent ORM object, or None on a unique conflict.

    The statement is built once per model and dialect and the row goes in as parameters: a
    statement made with `.values(**row)` is a new statement each time, whose values SQLAlchemy
    coerces and folds into a cache key (on issuance, a third of all the CPU SQLAlchemy used).
    """
    stmt = _insert_statement(model, session.get_bind().dialect.name)
    row: ModelT | None = session.scalars(stmt, [values]).first()
    return row


@cache
def _insert_statement(model: type[Base], dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).on_conflict_do_nothing().returning(model)
