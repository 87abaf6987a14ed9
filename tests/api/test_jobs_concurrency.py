"""Concurrent runners on real, committed transactions never process an item twice.

These tests commit for real (threads need separate connections), so they use their own
`Database` over the session engine and delete what they made. They never touch the per-test
transaction fixtures (`database`, `client`), which hold the SQLite write lock.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, delete, select

from credex.db.models import Job, JobItem
from credex.db.session import Database
from credex.jobs.runner import RunnerConfig, claim_next_job, help_with_jobs, run_pending_jobs
from credex.settings import Settings
from tests.api.test_jobs_support import (
    ECHO,
    EchoHandler,
    effect_counts,
    effects,
    effects_metadata,
    load,
    submit_echo,
)


@pytest.fixture
def committed(engine: Engine) -> Iterator[Database]:
    effects_metadata.create_all(engine)
    try:
        yield Database(engine)
    finally:
        with engine.begin() as conn:
            echo_jobs = select(Job.id).where(Job.kind == ECHO)
            conn.execute(delete(JobItem).where(JobItem.job_id.in_(echo_jobs)))
            conn.execute(delete(Job).where(Job.kind == ECHO))
        effects_metadata.drop_all(engine)


def _run_until_final(
    database: Database, settings: Settings, job_ids: list[uuid.UUID], config: RunnerConfig
) -> None:
    handlers = {ECHO: EchoHandler()}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run_pending_jobs(database, settings, handlers=handlers, config=config)
        if all(load(database, job_id).state == "done" for job_id in job_ids):
            return


def test_racing_workers_that_keep_stealing_jobs_do_each_item_once(
    committed: Database, settings: Settings
) -> None:
    # stale_after=0: every worker may take over every running job at any moment, the worst
    # case for leases. A chunk in flight keeps its job (row lock / SQLite write lock), and the
    # robbed worker's next chunk sees it lost the lease.
    job_ids = [submit_echo(committed, 300) for _ in range(3)]
    config = RunnerConfig(
        chunk_size=20, first_chunk=20, stale_after=timedelta(0), max_attempts=10_000
    )
    threads = [
        threading.Thread(target=_run_until_final, args=(committed, settings, job_ids, config))
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    for job_id in job_ids:
        job = load(committed, job_id)
        assert (job.state, job.done_count, job.failed_count) == ("done", 300, 0)
        assert effect_counts(committed, job_id) == dict.fromkeys(range(1, 301), 1)
    with committed.session() as session:
        assert session.query(effects).count() == 900


@pytest.mark.postgres_only
def test_postgres_claim_skips_a_locked_job_without_waiting(
    committed: Database, engine: Engine
) -> None:
    first, second = submit_echo(committed, 1), submit_echo(committed, 1)
    config = RunnerConfig()
    with engine.connect() as other_worker:
        other_worker.begin()
        other_worker.execute(select(Job).where(Job.id == first).with_for_update())
        started = time.monotonic()
        assert claim_next_job(committed, "worker-b", [ECHO], config) == second
        assert time.monotonic() - started < 1.0
        other_worker.rollback()
    assert claim_next_job(committed, "worker-b", [ECHO], config) == first


@pytest.mark.postgres_only
def test_postgres_workers_share_the_parts_of_one_job_each_item_once(
    committed: Database, settings: Settings
) -> None:
    """A worker that owns a job and a second worker (another replica) that finds nothing to own
    both take parts of the one job (`FOR UPDATE SKIP LOCKED`); every item is done once."""
    job_id = submit_echo(committed, 400)
    helped: list[int] = []

    def slow(_session: object, _item: JobItem) -> None:
        time.sleep(0.002)

    handlers = {ECHO: EchoHandler(on_item=slow)}
    config = RunnerConfig(chunk_size=20, first_chunk=20, chunk_seconds=0.05)

    def owner() -> None:
        run_pending_jobs(committed, settings, handlers=handlers, config=config, max_jobs=1)

    def helper() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and load(committed, job_id).state != "done":
            helped.append(help_with_jobs(committed, settings, handlers, config))

    threads = [threading.Thread(target=owner), threading.Thread(target=helper)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    job = load(committed, job_id)
    assert (job.state, job.done_count, job.failed_count) == ("done", 400, 0)
    assert effect_counts(committed, job_id) == dict.fromkeys(range(1, 401), 1)
    assert 0 < sum(helped) < 400  # the second worker did parts of a job it did not own
