"""A batch interrupted mid-job resumes and issues every row exactly once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credex.db.models import Credential, Job, JobItem, Learner
from credex.db.session import Database
from credex.issuance.batch import BATCH_KIND, BatchIssuanceHandler
from credex.jobs.runner import RunnerConfig, run_pending_jobs
from credex.settings import Settings
from tests.api.test_issuance_support import count, make_tenant
from tests.api.test_jobs_support import SimulatedCrash

CHUNKS_OF_10 = RunnerConfig(chunk_size=10, first_chunk=10, chunk_seconds=60)


class CrashingHandler(BatchIssuanceHandler):
    """Issues like the real handler, but the process dies in the chunk holding `crash_at`."""

    def __init__(self, crash_at: int) -> None:
        self.crash_at = crash_at

    def process_chunk(
        self, session: Session, context: Any, items: Sequence[JobItem]
    ) -> list[uuid.UUID]:
        results = super().process_chunk(session, context, items)  # credentials written...
        if any(item.number == self.crash_at for item in items):
            raise SimulatedCrash  # ...then the process dies before the chunk commits
        return results


def test_crash_then_resume_issues_every_row_exactly_once(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    items = [{"learner": {"email": f"row{n}@example.org"}} for n in range(1, 26)]
    body = {"items": items, "achievement_id": str(tenant.achievement_id)}
    response = client.post("/api/v1/credentials/batch", json=body, headers=tenant.headers)
    job_id = response.json()["job_id"]

    with pytest.raises(SimulatedCrash):
        run_pending_jobs(
            database,
            settings,
            handlers={BATCH_KIND: CrashingHandler(crash_at=15)},
            worker_id="dying-worker",
            config=CHUNKS_OF_10,
        )
    job = client.get(f"/api/v1/jobs/{job_id}", headers=tenant.headers).json()
    assert (job["state"], job["done"]) == ("running", 10)
    assert count(database, Credential) == 10  # the interrupted chunk left nothing behind

    # The restarted service claims the job once the dead worker's heartbeat is stale.
    resumed = RunnerConfig(
        chunk_size=10, first_chunk=10, chunk_seconds=60, stale_after=timedelta(0)
    )
    assert run_pending_jobs(database, settings, config=resumed) == [uuid.UUID(job_id)]
    job = client.get(f"/api/v1/jobs/{job_id}", headers=tenant.headers).json()
    assert (job["state"], job["done"], job["failed"]) == ("done", 25, 0)

    with database.session() as session:
        per_learner = session.execute(
            select(Learner.email, func.count(Credential.id))
            .join(Credential, Credential.learner_id == Learner.id)
            .group_by(Learner.email)
        ).all()
        results = session.scalars(
            select(JobItem.result_id).where(JobItem.job_id == uuid.UUID(job_id))
        ).all()
    assert sorted(per_learner) == sorted((f"row{n}@example.org", 1) for n in range(1, 26))
    assert len(set(results)) == 25
    assert None not in results
    assert count(database, Credential) == 25


def test_a_row_already_issued_is_never_issued_again(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """Even if an item's "done" mark were lost, the row's idempotency key stops a second copy."""
    tenant = make_tenant(database, settings)
    items = [{"learner": {"email": f"row{n}@example.org"}} for n in range(1, 6)]
    body = {"items": items, "achievement_id": str(tenant.achievement_id)}
    job_id = uuid.UUID(
        client.post("/api/v1/credentials/batch", json=body, headers=tenant.headers).json()["job_id"]
    )
    run_pending_jobs(database, settings)
    with database.unit_of_work() as session:
        item = session.scalars(
            select(JobItem).where(JobItem.job_id == job_id, JobItem.number == 3)
        ).one()
        first_result = item.result_id
        item.status, item.result_id = "pending", None
        job = session.get(Job, job_id)
        assert job is not None
        job.state, job.worker_id, job.done_count = "queued", None, 4
    assert run_pending_jobs(database, settings) == [job_id]
    assert count(database, Credential) == 5
    with database.session() as session:
        item = session.scalars(
            select(JobItem).where(JobItem.job_id == job_id, JobItem.number == 3)
        ).one()
        assert (item.status, item.result_id) == ("done", first_result)
