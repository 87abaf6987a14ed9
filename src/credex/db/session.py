"""Engine creation and the unit of work: one transaction per request, command or job step.

SQLite gets WAL, foreign keys and a busy timeout, and the pysqlite transaction fix so SAVEPOINTs
work (https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

READ_ONLY_OPTION = "credex_read_only"
"""Connection execution option of read-only units of work (SQLite begins them DEFERRED)."""


class ReadOnlyViolation(RuntimeError):
    """A read-only unit of work tried to write (a programming error, not a client error)."""


def _refuse_writes(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlyViolation("a read-only unit of work tried to write")


def is_read_only(session: Session) -> bool:
    """True in a read-only unit of work: services skip optional writes (caches, last-used)."""
    return bool(session.info.get(READ_ONLY_OPTION))


def create_db_engine(url: str, *, pool_size: int = 10) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine, in_memory=parsed.database in (None, "", ":memory:"))
        return engine
    # A bounded connect timeout: during an outage requests answer 503 quickly instead of hanging.
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={"connect_timeout": 5},
    )


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front: no deadlock-prone lock upgrades under load.
        # Read-only units of work begin DEFERRED: with WAL they read a snapshot and never wait
        # for (or block) writers, so verifications do not queue behind issuances.
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class Database:
    """Owns the engine and hands out sessions; tests bind it to one outer connection.

    Read-only units of work (`unit_of_work(read_only=True)`: verification, public documents)
    refuse to flush changes and, on SQLite, begin DEFERRED instead of IMMEDIATE.
    """

    def __init__(self, engine: Engine, *, bind: Connection | None = None) -> None:
        self.engine = engine
        read_info = {READ_ONLY_OPTION: True}
        if bind is not None:
            # Tests: every unit of work runs inside the test's outer transaction; commits
            # release SAVEPOINTs, and the test rolls everything back at the end.
            self._factory = sessionmaker(
                bind=bind, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
            self._read_factory = sessionmaker(
                bind=bind,
                expire_on_commit=False,
                join_transaction_mode="create_savepoint",
                info=read_info,
            )
        else:
            self._factory = sessionmaker(bind=engine, expire_on_commit=False)
            reading = engine.execution_options(**{READ_ONLY_OPTION: True})
            self._read_factory = sessionmaker(bind=reading, expire_on_commit=False, info=read_info)
        event.listen(self._read_factory, "before_flush", _refuse_writes)

    @classmethod
    def from_url(cls, url: str, *, pool_size: int = 10) -> Database:
        return cls(create_db_engine(url, pool_size=pool_size))

    def session(self) -> Session:
        return self._factory()

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[Session]:
        """Commit once if the block succeeds, roll back on any exception."""
        session = self._read_factory() if read_only else self._factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
