"""The in-process job worker: a thread started with the app that claims jobs from the database.

No external broker on the embedded default. Every server process runs one worker; claiming is
safe across processes (see `credex.jobs.repository`), so `credex serve --workers N` simply has N
workers; a worker with no job of its own takes parts of running ones (PostgreSQL). Submitting
a job wakes the local worker; the others poll every `poll_seconds`. On shutdown the worker
finishes its current chunk and hands the job back to the queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from credex.db.session import Database
from credex.jobs.handlers import registered_handlers
from credex.jobs.runner import (
    RunnerConfig,
    default_worker_id,
    help_with_jobs,
    run_pending_jobs,
)
from credex.settings import Settings

logger = logging.getLogger("credex.jobs")

POLL_SECONDS = 1.0

PeriodicTask = Callable[[Database, Settings], object]
_periodic: list[PeriodicTask] = []


def register_periodic_task(task: PeriodicTask) -> None:
    """Run `task(database, settings)` on every poll of every worker (e.g. sending queued mail)."""
    if task not in _periodic:
        _periodic.append(task)


class JobWorker:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        poll_seconds: float = POLL_SECONDS,
        config: RunnerConfig | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.poll_seconds = poll_seconds
        stale = timedelta(seconds=settings.job_stale_seconds)
        self.config = config or RunnerConfig(stale_after=stale)
        self.worker_id = default_worker_id()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="credex-job-worker", daemon=True)
        self._thread.start()
        logger.info("job worker started", extra={"worker_id": self.worker_id})

    def wake(self) -> None:
        """A job was just submitted: look now instead of at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        logger.info("job worker stopped", extra={"worker_id": self.worker_id})

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                run_pending_jobs(
                    self.database,
                    self.settings,
                    worker_id=self.worker_id,
                    config=self.config,
                    should_stop=self._stopping.is_set,
                )
                # Nothing left to own: take parts of jobs other workers own (PostgreSQL).
                help_with_jobs(
                    self.database,
                    self.settings,
                    registered_handlers(),
                    self.config,
                    should_stop=self._stopping.is_set,
                )
            except Exception:  # keep the worker alive; the next poll retries
                logger.exception("job worker loop failed")
            for task in list(_periodic):
                try:
                    task(self.database, self.settings)
                except Exception:
                    logger.exception("periodic task failed")
            self._wake.wait(self.poll_seconds)


def worker_enabled(app: FastAPI) -> bool:
    """On unless turned off; tests (env "test") turn it on explicitly with
    `app.state.job_worker_enabled = True`, because their database is one shared connection."""
    enabled = getattr(app.state, "job_worker_enabled", None)
    if enabled is None:
        settings: Settings = app.state.settings
        return settings.env != "test"
    return bool(enabled)


def install_job_worker(app: FastAPI) -> None:
    """Run a `JobWorker` for the app's lifetime, around whatever lifespan the app already has."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: Any) -> AsyncIterator[Any]:
        worker: JobWorker | None = None
        if worker_enabled(app_):
            worker = JobWorker(app_.state.db, app_.state.settings)
            worker.start()
        app_.state.job_worker = worker
        try:
            async with inner(app_) as state:
                yield state
        finally:
            if worker is not None:
                await run_in_threadpool(worker.stop)
            app_.state.job_worker = None

    app.router.lifespan_context = lifespan


def wake_job_worker(app: Any) -> None:
    """Background task after a submission's commit: nudge this process's worker."""
    worker: JobWorker | None = getattr(app.state, "job_worker", None)
    if worker is not None:
        worker.wake()
