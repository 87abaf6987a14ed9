"""Engine creation and the unit of work: one transaction per request, command or job step.

SQLite gets WAL, foreign keys and a busy timeout, and the pysqlite transaction fix so SAVEPOINTs
work (https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#serializable-isolation-savepoints-transactional-ddl).

Stale PostgreSQL connections without a pre-ping round trip on every checkout (it was one extra
round trip per request): connections are recycled after `POOL_RECYCLE_SECONDS`, TCP keepalives
notice dead peers, and a connection that turns out dead is handled optimistically
(https://docs.sqlalchemy.org/en/20/core/pooling.html#disconnect-handling-optimistic): SQLAlchemy
invalidates the pool, and `Database.run` retries the unit of work once when nothing had been
sent on that connection yet (so a retry can never repeat a write).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

T = TypeVar("T")

POOL_RECYCLE_SECONDS = 600
_SENT = "credex_statements_sent"
RETRYABLE = "credex_retryable"
"""Attribute set (True) on a `DBAPIError` whose connection died before any statement of the
unit of work reached it: running the unit of work again cannot repeat a write."""

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
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=POOL_RECYCLE_SECONDS,
        pool_timeout=10,
        connect_args={
            "connect_timeout": 5,
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
        },
    )
    _track_statements(engine)
    return engine


def _track_statements(engine: Engine) -> None:
    """Count statements that completed on each checkout, so a dead connection can tell whether
    the unit of work it failed had sent anything (see `RETRYABLE`)."""

    @event.listens_for(engine.pool, "checkout")
    def _checkout(_dbapi: Any, record: Any, _proxy: Any) -> None:
        record.info[_SENT] = 0

    @event.listens_for(engine, "after_cursor_execute")
    def _sent(conn: Connection, *_args: Any) -> None:
        conn.info[_SENT] = conn.info.get(_SENT, 0) + 1

    @event.listens_for(engine, "handle_error")
    def _failed(context: ExceptionContext) -> None:
        error = context.sqlalchemy_exception
        connection = context.connection
        if context.is_disconnect and error is not None and connection is not None:
            setattr(error, RETRYABLE, connection.info.get(_SENT, 0) == 0)


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
        from credex.db.epoch import CACHES, EpochCaches

        self.engine = engine
        self.caches = EpochCaches()  # see `credex.db.epoch`: per Database, like per process
        write_info = {CACHES: self.caches}
        read_info = {READ_ONLY_OPTION: True, CACHES: self.caches}
        if bind is not None:
            # Tests: every unit of work runs inside the test's outer transaction; commits
            # release SAVEPOINTs, and the test rolls everything back at the end.
            self._factory = sessionmaker(
                bind=bind,
                expire_on_commit=False,
                join_transaction_mode="create_savepoint",
                info=write_info,
            )
            self._read_factory = sessionmaker(
                bind=bind,
                expire_on_commit=False,
                join_transaction_mode="create_savepoint",
                info=read_info,
            )
        else:
            self._factory = sessionmaker(bind=engine, expire_on_commit=False, info=write_info)
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

    def run(self, work: Callable[[Session], T], *, read_only: bool = False) -> T:
        """`work(session)` in one unit of work, run a second time only if the first attempt's
        connection was dead before it sent anything (see the module docstring)."""
        try:
            with self.unit_of_work(read_only=read_only) as session:
                return work(session)
        except DBAPIError as exc:
            if not getattr(exc, RETRYABLE, False):
                raise
        with self.unit_of_work(read_only=read_only) as session:
            return work(session)

    def dispose(self) -> None:
        self.engine.dispose()
