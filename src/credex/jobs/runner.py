"""The job runner: claim a job, process its items chunk by chunk, resume after a crash.

Exactly once: each chunk is ONE transaction that (1) takes a part of the job's pending items,
(2) does their work, (3) renews the lease, proving this worker still owns the job, and (4) marks
them done. A crash rolls the whole chunk back, so its items are still pending when the job is
claimed again after its heartbeat went stale.

Parts shared across replicas (PostgreSQL): a part's items are locked `FOR UPDATE SKIP LOCKED`,
so while the owner works through a job, idle workers of every process help: they take other
parts of the same job (`help_with_jobs`), add their counts under the job's row lock, and leave
finishing the job to its owner. On SQLite (one writer at a time) the owner works alone.

Chunks are bounded by count and time, so a SQLite write lock is never held for long. A chunk
first runs its items under one SAVEPOINT; only if an item fails is the chunk redone
with one SAVEPOINT per item, so the common case pays no per-item overhead.

Tests drive `run_pending_jobs` synchronously; the app runs it in a thread (`credex.jobs.worker`).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import Job, JobItem
from credex.db.session import Database
from credex.errors import CredexError
from credex.jobs import repository
from credex.jobs.handlers import ItemFailed, JobFailed, JobHandler, registered_handlers
from credex.settings import Settings

logger = logging.getLogger("credex.jobs")

MAX_JOB_ERRORS = 100
INTERNAL_ITEM_ERROR = "internal error while processing this item (logged)"


@dataclass(frozen=True)
class RunnerConfig:
    """`chunk_size` caps a chunk; within it, chunks are sized to take about `chunk_seconds`
    (the first has `first_chunk` items), so a slow handler never holds a write lock long."""

    chunk_size: int = 500
    first_chunk: int = 20
    chunk_seconds: float = 0.5
    stale_after: timedelta = timedelta(seconds=30)
    max_attempts: int = 5

    def next_size(self, seconds_per_item: float | None) -> int:
        if seconds_per_item is None:
            return min(self.first_chunk, self.chunk_size)
        fitting = int(self.chunk_seconds / max(seconds_per_item, 1e-6))
        return max(1, min(self.chunk_size, fitting))


@dataclass
class _Outcome:
    item: JobItem
    result_id: uuid.UUID | None = None
    field: str | None = None
    error: str | None = None


class _Step(Enum):
    CONTINUE = "continue"
    FINISHED = "finished"
    LOST = "lost"


def default_worker_id() -> str:
    """Unique per process start, so a restarted process never mistakes an old lease for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def run_pending_jobs(
    database: Database,
    settings: Settings,
    *,
    max_jobs: int | None = None,
    worker_id: str | None = None,
    handlers: Mapping[str, JobHandler] | None = None,
    config: RunnerConfig | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[uuid.UUID]:
    """Claim and run jobs until none is claimable (or `max_jobs`); returns the ids it ran."""
    handlers = registered_handlers() if handlers is None else handlers
    worker_id = worker_id or default_worker_id()
    config = config or RunnerConfig()
    stop = should_stop or (lambda: False)
    ran: list[uuid.UUID] = []
    while (max_jobs is None or len(ran) < max_jobs) and not stop():
        job_id = claim_next_job(database, worker_id, list(handlers), config, skip=ran)
        if job_id is None:
            break
        ran.append(job_id)
        run_job(JobRun(database, settings, job_id, worker_id, config), handlers, stop)
    return ran


def claim_next_job(
    database: Database,
    worker_id: str,
    kinds: Sequence[str],
    config: RunnerConfig,
    *,
    skip: Sequence[uuid.UUID] = (),
) -> uuid.UUID | None:
    if not kinds:
        return None
    for _ in range(5):  # another worker won the race for a candidate: try the next one
        with database.unit_of_work() as session:
            now = utcnow()
            stale_before = now - config.stale_after
            job_id = repository.next_claimable_job_id(session, kinds, stale_before, skip)
            if job_id is None:
                return None
            if repository.take_job(session, job_id, worker_id, now, stale_before):
                logger.info("job claimed", extra={"job_id": str(job_id), "worker_id": worker_id})
                return job_id
    return None


@dataclass(frozen=True)
class JobRun:
    """One worker's run of one claimed job."""

    database: Database
    settings: Settings
    job_id: uuid.UUID
    worker_id: str
    config: RunnerConfig


def run_job(
    run: JobRun, handlers: Mapping[str, JobHandler], should_stop: Callable[[], bool]
) -> None:
    """Run one claimed job to its end, or until the lease is lost or the worker is stopping."""
    try:
        prepared = _prepare(run, handlers)
        if prepared is None:
            return
        handler, context = prepared
        pace: float | None = None  # seconds per item, measured
        while True:
            if should_stop():
                _release(run, failed=False)
                return
            step, pace = _run_chunk(run, handler, context, run.config.next_size(pace))
            if step is not _Step.CONTINUE:
                return
    except Exception:
        logger.exception("job run failed", extra={"job_id": str(run.job_id)})
        _release(run, failed=True)


def _prepare(run: JobRun, handlers: Mapping[str, JobHandler]) -> tuple[JobHandler, Any] | None:
    with run.database.unit_of_work() as session:
        now = utcnow()
        if not repository.renew_lease(session, run.job_id, run.worker_id, now):
            return None
        job = repository.load_job(session, run.job_id)
        if job.cancel_requested:
            _finish(job, "cancelled", now)
            return None
        if job.attempts > run.config.max_attempts:
            _finish(job, "failed", now, failure=f"gave up after {run.config.max_attempts} attempts")
            return None
        handler = handlers[job.kind]
        try:
            return handler, handler.prepare(session, job, run.settings)
        except (JobFailed, CredexError) as exc:
            _finish(job, "failed", now, failure=str(exc)[:1000])
            return None


class _LeaseLost(Exception):
    """The job changed hands (or ended) while a part was being processed: roll the part back."""


WAIT_FOR_HELPERS_SECONDS = 0.05


def _run_chunk(
    run: JobRun, handler: JobHandler, context: Any, size: int
) -> tuple[_Step, float | None]:
    started = time.monotonic()
    try:
        with run.database.unit_of_work() as session:
            job = repository.load_job(session, run.job_id)
            if job.cancel_requested:
                if not repository.renew_lease(session, run.job_id, run.worker_id, utcnow()):
                    raise _LeaseLost
                _finish(repository.load_job(session, run.job_id), "cancelled", utcnow())
                return _Step.FINISHED, None
            items = repository.pending_items(session, run.job_id, size)
            outcomes = _process_chunk(session, handler, context, items, run.config.chunk_seconds)
            # Owning the job is checked (and its row locked) only now, so helpers adding their
            # counts never wait for a whole part of the owner's.
            if not repository.renew_lease(session, run.job_id, run.worker_id, utcnow()):
                raise _LeaseLost
            job = repository.load_job(session, run.job_id)
            _record(job, outcomes, utcnow())
            pace = (time.monotonic() - started) / len(outcomes) if outcomes else None
            if len(outcomes) < len(items) or len(items) == size:
                return _Step.CONTINUE, pace
            session.flush()
            if repository.has_pending_items(session, run.job_id):  # parts held by helpers
                if not items:
                    time.sleep(WAIT_FOR_HELPERS_SECONDS)
                return _Step.CONTINUE, pace
            _finish(job, "done", utcnow())
            return _Step.FINISHED, pace
    except _LeaseLost:
        logger.warning("job lease lost", extra={"job_id": str(run.job_id)})
        return _Step.LOST, None


def help_with_jobs(
    database: Database,
    settings: Settings,
    handlers: Mapping[str, JobHandler],
    config: RunnerConfig,
    *,
    skip: Sequence[uuid.UUID] = (),
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Process parts of jobs other workers own (PostgreSQL only); the number of items done."""
    if database.engine.dialect.name != "postgresql" or not handlers:
        return 0
    with database.unit_of_work() as session:
        job_ids = repository.shared_job_ids(session, list(handlers), skip)
    helped = 0
    for job_id in job_ids:
        helped += _help_with(
            database,
            settings,
            job_id,
            handlers=handlers,
            config=config,
            should_stop=should_stop,
        )
    return helped


def _help_with(
    database: Database,
    settings: Settings,
    job_id: uuid.UUID,
    *,
    handlers: Mapping[str, JobHandler],
    config: RunnerConfig,
    should_stop: Callable[[], bool],
) -> int:
    try:
        with database.unit_of_work() as session:
            job = repository.load_job(session, job_id)
            if job.state != "running" or job.cancel_requested:
                return 0
            handler = handlers[job.kind]
            context = handler.prepare(session, job, settings)
    except (JobFailed, CredexError):
        return 0  # the owner fails the job
    helped, pace = 0, None
    while not should_stop():
        size = config.next_size(pace)
        started = time.monotonic()
        try:
            with database.unit_of_work() as session:
                items = repository.pending_items(session, job_id, size)
                if not items:
                    return helped
                outcomes = _process_chunk(session, handler, context, items, config.chunk_seconds)
                if not repository.lock_running_job(session, job_id):
                    raise _LeaseLost  # finished, failed or handed back meanwhile
                job = repository.load_job(session, job_id)
                if job.cancel_requested:
                    raise _LeaseLost
                _record(job, outcomes, utcnow())
        except _LeaseLost:
            return helped
        helped += len(outcomes)
        pace = (time.monotonic() - started) / len(outcomes) if outcomes else None
    return helped


def _process_chunk(
    session: Session, handler: JobHandler, context: Any, items: Sequence[JobItem], seconds: float
) -> list[_Outcome]:
    """All items under one SAVEPOINT (at once if the handler can); on a failure, item by item."""
    process_chunk = getattr(handler, "process_chunk", None)
    try:
        with session.begin_nested():
            if process_chunk is not None and items:
                results = process_chunk(session, context, items)
                return [_Outcome(item, result_id=r) for item, r in zip(items, results, strict=True)]
            outcomes: list[_Outcome] = []
            deadline = time.monotonic() + seconds
            for item in items:
                if outcomes and time.monotonic() > deadline:
                    break
                outcomes.append(_Outcome(item, result_id=handler.process(session, context, item)))
            return outcomes
    except Exception as exc:
        if _is_fatal(exc):
            raise
        logger.debug("chunk redone item by item", extra={"reason": repr(exc)[:200]})
    outcomes = []
    deadline = time.monotonic() + seconds
    for item in items:
        if outcomes and time.monotonic() > deadline:
            break
        outcomes.append(_process_isolated(session, handler, context, item))
    return outcomes


def _process_isolated(
    session: Session, handler: JobHandler, context: Any, item: JobItem
) -> _Outcome:
    try:
        with session.begin_nested():
            return _Outcome(item, result_id=handler.process(session, context, item))
    except ItemFailed as exc:
        return _Outcome(item, field=exc.field, error=exc.detail)
    except CredexError as exc:
        pointer = exc.errors[0].get("pointer") if exc.errors else None
        return _Outcome(item, field=pointer, error=exc.detail)
    except Exception as exc:
        if _is_fatal(exc):
            raise
        logger.exception("job item failed", extra={"item_number": item.number})
        return _Outcome(item, error=INTERNAL_ITEM_ERROR)


def _is_fatal(exc: Exception) -> bool:
    """Connection-level database errors end the chunk (retried later); others fail one item."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _record(job: Job, outcomes: Sequence[_Outcome], now: datetime) -> None:
    new_errors: list[dict[str, Any]] = []
    for outcome in outcomes:
        item = outcome.item
        item.processed_at = now
        if outcome.error is None:
            item.status = "done"
            item.result_id = outcome.result_id
            continue
        item.status = "failed"
        item.error_field = outcome.field
        item.error = outcome.error[:1000]
        new_errors.append({"row": item.number, "field": outcome.field, "detail": item.error})
    job.failed_count += len(new_errors)
    job.done_count += len(outcomes) - len(new_errors)
    room = MAX_JOB_ERRORS - len(job.errors)
    if new_errors and room > 0:
        job.errors = [*job.errors, *new_errors[:room]]
    job.heartbeat_at = now


def _finish(job: Job, state: str, now: datetime, *, failure: str | None = None) -> None:
    job.state = state
    job.finished_at = now
    job.heartbeat_at = now
    if failure is not None:
        job.failure = failure
    logger.info("job finished", extra={"job_id": str(job.id), "state": state})


def _release(run: JobRun, *, failed: bool) -> None:
    """Hand the job back to the queue (stopping, or after an error; gives up after retries)."""
    try:
        with run.database.unit_of_work() as session:
            now = utcnow()
            if not repository.renew_lease(session, run.job_id, run.worker_id, now):
                return
            job = repository.load_job(session, run.job_id)
            if failed and job.attempts >= run.config.max_attempts:
                _finish(job, "failed", now, failure="internal error; gave up after retries")
                return
            if not failed:  # a clean stop is not an attempt
                job.attempts = max(job.attempts - 1, 0)
            job.state = "queued"
            job.worker_id = None
    except Exception:
        logger.exception("could not release job", extra={"job_id": str(run.job_id)})
