"""Submitting jobs, reading their progress and cancelling them (rules; never commits).

`submit_job` writes the job and all its items in the caller's transaction with one multi-row
INSERT, so a job either exists with every item or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.db.base import utcnow
from credex.db.models import Job, JobItem
from credex.db.models.jobs import FINAL_JOB_STATES
from credex.errors import Conflict, NotFound
from credex.jobs import repository

JOB_SUBMITTED = "job.submitted"
JOB_CANCELLED = "job.cancelled"


@dataclass(frozen=True)
class Progress:
    rate: float | None  # items per second in the current (or last) run
    eta_seconds: float | None


def submit_job(
    session: Session,
    *,
    kind: str,
    issuer_id: uuid.UUID | None,
    created_by: str,
    params: dict[str, Any],
    items: Sequence[tuple[int, dict[str, Any]]],
) -> Job:
    """A queued job with one pending item per (number, payload)."""
    job = Job(
        id=uuid.uuid4(),
        kind=kind,
        issuer_id=issuer_id,
        created_by=created_by[:300],
        params=params,
        total=len(items),
        state="queued",
        errors=[],
    )
    session.add(job)
    session.flush()
    if items:
        session.execute(
            insert(JobItem),
            [
                {"id": uuid.uuid4(), "job_id": job.id, "number": number, "payload": payload}
                for number, payload in items
            ],
        )
    audit.record(
        session,
        action=JOB_SUBMITTED,
        actor=created_by,
        issuer_id=issuer_id,
        object_type="job",
        object_id=str(job.id),
        details={"kind": kind, "total": len(items)},
    )
    return job


def get_job(session: Session, principal: Principal, job_id: uuid.UUID) -> Job:
    job = repository.find_visible_job(session, principal, job_id)
    if job is None:
        raise NotFound("no job with this id")
    return job


def cancel_job(session: Session, principal: Principal, job_id: uuid.UUID) -> Job:
    """A queued job stops at once; a running one at its next chunk (work done stays done)."""
    job = get_job(session, principal, job_id)
    if job.state in FINAL_JOB_STATES:
        raise Conflict(f"the job is already {job.state}")
    job.cancel_requested = True
    audit.record(
        session,
        action=JOB_CANCELLED,
        actor=actor_label(principal),
        issuer_id=job.issuer_id,
        object_type="job",
        object_id=str(job.id),
        details={"state": job.state},
    )
    if job.state == "queued":
        job.state = "cancelled"
        job.finished_at = utcnow()
    session.flush()
    return job


def progress_of(job: Job) -> Progress:
    """Rate over the current run (a resumed job does not count the time it lay dead)."""
    if job.run_started_at is None:
        return Progress(rate=None, eta_seconds=None)
    end = job.finished_at or job.heartbeat_at or utcnow()
    elapsed = (end - job.run_started_at).total_seconds()
    processed = job.done_count + job.failed_count - job.run_base_count
    if elapsed <= 0 or processed <= 0:
        return Progress(rate=None, eta_seconds=None)
    rate = processed / elapsed
    if job.state != "running":
        return Progress(rate=round(rate, 1), eta_seconds=None if job.state != "done" else 0.0)
    remaining = job.total - job.done_count - job.failed_count
    return Progress(rate=round(rate, 1), eta_seconds=round(remaining / rate, 1))
