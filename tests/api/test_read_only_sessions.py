"""Read-only units of work: they refuse writes, and on SQLite they do not queue behind writers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from credex.auth.tokens import create_token
from credex.db.session import Database, ReadOnlyViolation


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Database]:
    database = Database.from_url(f"sqlite:///{tmp_path / 'reads.db'}")
    with database.unit_of_work() as session:
        session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        session.execute(text("INSERT INTO notes (body) VALUES ('first')"))
    yield database
    database.dispose()


def test_a_read_only_unit_of_work_refuses_to_write(database: Database) -> None:
    with (
        pytest.raises(ReadOnlyViolation),
        database.unit_of_work(read_only=True) as session,
    ):
        create_token(session, role="admin", name="must not be stored")


def test_sqlite_reads_do_not_wait_for_a_writer_holding_the_lock(sqlite_file: Database) -> None:
    writer_has_lock = threading.Event()
    reader_done = threading.Event()
    seen: list[int] = []

    def writer() -> None:
        with sqlite_file.unit_of_work() as session:  # BEGIN IMMEDIATE: takes the write lock
            session.execute(text("INSERT INTO notes (body) VALUES ('second')"))
            writer_has_lock.set()
            reader_done.wait(timeout=10)  # hold the lock until the reader has finished

    thread = threading.Thread(target=writer)
    thread.start()
    assert writer_has_lock.wait(timeout=10)
    started = time.monotonic()
    with sqlite_file.unit_of_work(read_only=True) as session:
        seen.append(int(session.scalar(text("SELECT count(*) FROM notes")) or 0))
    waited = time.monotonic() - started
    reader_done.set()
    thread.join(timeout=10)
    assert seen == [1]  # the committed snapshot, not the writer's uncommitted row
    assert waited < 2  # a writing unit of work would wait for the lock (busy timeout 30 s)

    with sqlite_file.unit_of_work(read_only=True) as session:
        assert session.scalar(text("SELECT count(*) FROM notes")) == 2
