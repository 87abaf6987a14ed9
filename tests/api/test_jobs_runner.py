"""The job runner with a trivial work function: chunks, failures, crash and resume, leases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from credex.db.models import Job, JobItem
from credex.db.session import Database
from credex.jobs.runner import (
    INTERNAL_ITEM_ERROR,
    MAX_JOB_ERRORS,
    JobRun,
    RunnerConfig,
    claim_next_job,
    run_job,
    run_pending_jobs,
)
from credex.jobs.service import progress_of
from credex.settings import Settings
from tests.api.test_jobs_support import (
    ECHO,
    EchoHandler,
    SimulatedCrash,
    create_effects_table,
    effect_counts,
    item_statuses,
    load,
    submit_echo,
)

SMALL = RunnerConfig(chunk_size=100, first_chunk=100, chunk_seconds=60)
NOW = RunnerConfig(chunk_size=100, first_chunk=100, chunk_seconds=60, stale_after=timedelta(0))


@pytest.fixture(autouse=True)
def _effects(connection: Connection) -> None:
    create_effects_table(connection)  # inside the test's transaction: rolled back with it


def run(database: Database, settings: Settings, handler: EchoHandler, **kwargs: object) -> list:
    kwargs.setdefault("config", SMALL)
    return run_pending_jobs(database, settings, handlers={ECHO: handler}, **kwargs)  # type: ignore[arg-type]


def test_job_runs_to_done_in_chunks(database: Database, settings: Settings) -> None:
    job_id = submit_echo(database, 450)
    handler = EchoHandler()
    assert run(database, settings, handler) == [job_id]
    job = load(database, job_id)
    assert (job.state, job.total, job.done_count, job.failed_count) == ("done", 450, 450, 0)
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.attempts == 1
    assert handler.prepared == 1
    assert effect_counts(database, job_id) == dict.fromkeys(range(1, 451), 1)
    assert item_statuses(database, job_id) == {"done": 450}
    progress = progress_of(job)
    assert progress.rate is not None
    assert progress.rate > 0
    assert progress.eta_seconds == 0.0
    assert run(database, settings, handler) == []  # nothing left to claim


def test_failed_items_are_isolated_and_reported(database: Database, settings: Settings) -> None:
    job_id = submit_echo(database, 250, failing=(7, 150), boom=(201,))
    assert run(database, settings, EchoHandler()) == [job_id]
    job = load(database, job_id)
    assert (job.state, job.done_count, job.failed_count) == ("done", 247, 3)
    assert job.errors == [
        {"row": 7, "field": "fail", "detail": "told to fail"},
        {"row": 150, "field": "fail", "detail": "told to fail"},
        {"row": 201, "field": None, "detail": INTERNAL_ITEM_ERROR},
    ]
    counts = effect_counts(database, job_id)
    # A failing item's own writes are rolled back; every other item is done exactly once.
    assert sorted(counts) == [n for n in range(1, 251) if n not in (7, 150, 201)]
    assert set(counts.values()) == {1}
    with database.session() as session:
        failed = session.query(JobItem).filter_by(job_id=job_id, number=7).one()
        assert (failed.status, failed.error, failed.result_id) == ("failed", "told to fail", None)


def test_errors_are_capped_but_counted(database: Database, settings: Settings) -> None:
    job_id = submit_echo(database, 130, failing=tuple(range(1, 131)))
    run(database, settings, EchoHandler())
    job = load(database, job_id)
    assert (job.state, job.done_count, job.failed_count) == ("done", 0, 130)
    assert len(job.errors) == MAX_JOB_ERRORS


def test_crash_mid_job_resumes_and_does_every_item_once(
    database: Database, settings: Settings
) -> None:
    job_id = submit_echo(database, 450)
    with pytest.raises(SimulatedCrash):  # dies in the third chunk
        run(database, settings, EchoHandler(crash_at=250), worker_id="worker-a")
    job = load(database, job_id)
    assert (job.state, job.worker_id, job.done_count) == ("running", "worker-a", 200)
    assert item_statuses(database, job_id) == {"done": 200, "pending": 250}
    assert len(effect_counts(database, job_id)) == 200  # the crashed chunk left nothing

    # A restarted worker waits until the dead worker's heartbeat is stale...
    assert run(database, settings, EchoHandler(), worker_id="worker-b") == []
    # ...then takes over and finishes.
    assert run(database, settings, EchoHandler(), worker_id="worker-b", config=NOW) == [job_id]
    job = load(database, job_id)
    assert (job.state, job.worker_id, job.done_count, job.attempts) == ("done", "worker-b", 450, 2)
    assert effect_counts(database, job_id) == dict.fromkeys(range(1, 451), 1)
    assert job.run_base_count == 200  # the rate covers the resumed run only


def test_a_worker_that_lost_its_lease_does_nothing(database: Database, settings: Settings) -> None:
    job_id = submit_echo(database, 150)
    handlers = {ECHO: EchoHandler()}
    assert claim_next_job(database, "worker-a", [ECHO], SMALL) == job_id
    assert claim_next_job(database, "worker-b", [ECHO], SMALL) is None  # fresh heartbeat
    assert claim_next_job(database, "worker-b", [ECHO], NOW) == job_id  # stale: taken over
    run_job(JobRun(database, settings, job_id, "worker-a", SMALL), handlers, lambda: False)
    assert effect_counts(database, job_id) == {}
    assert load(database, job_id).state == "running"
    run_job(JobRun(database, settings, job_id, "worker-b", SMALL), handlers, lambda: False)
    assert load(database, job_id).state == "done"
    assert effect_counts(database, job_id) == dict.fromkeys(range(1, 151), 1)


def test_cancel_during_a_run_stops_at_the_next_chunk(
    database: Database, settings: Settings
) -> None:
    job_id = submit_echo(database, 450)

    def cancel_at_150(session: Session, item: JobItem) -> None:
        if item.number == 150:
            session.execute(update(Job).where(Job.id == job_id).values(cancel_requested=True))

    run(database, settings, EchoHandler(on_item=cancel_at_150))
    job = load(database, job_id)
    assert (job.state, job.done_count) == ("cancelled", 200)
    assert item_statuses(database, job_id) == {"done": 200, "pending": 250}
    assert run(database, settings, EchoHandler()) == []  # a cancelled job is never claimed


def test_a_job_the_handler_refuses_fails_as_a_whole(database: Database, settings: Settings) -> None:
    job_id = submit_echo(database, 10)
    run(database, settings, EchoHandler(refuse_job=True))
    job = load(database, job_id)
    assert (job.state, job.failure) == ("failed", "this job cannot run: no signing key")
    assert job.finished_at is not None
    assert item_statuses(database, job_id) == {"pending": 10}


def test_database_errors_release_the_job_and_retries_are_bounded(
    database: Database, settings: Settings
) -> None:
    job_id = submit_echo(database, 10)

    def database_down(session: Session, item: JobItem) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection lost"))

    config = RunnerConfig(chunk_size=100, first_chunk=100, max_attempts=2)
    run(database, settings, EchoHandler(on_item=database_down), config=config)
    job = load(database, job_id)
    assert (job.state, job.worker_id, job.attempts) == ("queued", None, 1)  # back in the queue
    run(database, settings, EchoHandler(on_item=database_down), config=config)
    job = load(database, job_id)
    assert (job.state, job.failure) == ("failed", "internal error; gave up after retries")
    assert effect_counts(database, job_id) == {}


def test_a_stopping_worker_hands_its_job_back(database: Database, settings: Settings) -> None:
    job_id = submit_echo(database, 450)
    chunks = iter([False, False, True])  # claim, run one chunk, then shut down
    run(database, settings, EchoHandler(), should_stop=lambda: next(chunks, True), max_jobs=1)
    job = load(database, job_id)
    assert (job.state, job.worker_id, job.done_count, job.attempts) == ("queued", None, 100, 0)
    run(database, settings, EchoHandler())
    job = load(database, job_id)
    assert (job.state, job.done_count) == ("done", 450)
    assert effect_counts(database, job_id) == dict.fromkeys(range(1, 451), 1)


def test_runners_only_claim_kinds_they_handle(database: Database, settings: Settings) -> None:
    submit_echo(database, 3)
    assert run_pending_jobs(database, settings, handlers={}) == []
    assert claim_next_job(database, "w", ["other.kind"], SMALL) is None


def test_an_empty_job_is_done_at_once(database: Database, settings: Settings) -> None:
    job_id = submit_echo(database, 0)
    run(database, settings, EchoHandler())
    assert load(database, job_id).state == "done"
