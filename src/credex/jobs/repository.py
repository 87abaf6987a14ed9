"""Queries for jobs. Tenant reads start from `jobs_visible_to`; the runner's from `claimable`.

Isolation: an issuer token sees its own issuer's jobs, admins all, anyone else none; callers
turn "not visible" into 404. Claiming uses a conditional UPDATE on every backend (the row
changes hands only if it is still claimable when the UPDATE runs), and on PostgreSQL the
candidate is first picked with `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait on
each other nor pick the same job.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, update
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import Job, JobItem


def jobs_visible_to(principal: Principal) -> Select[Job]:
    stmt = select(Job)
    if principal.is_admin:
        return stmt
    if principal.role == "issuer" and principal.issuer_id is not None:
        return stmt.where(Job.issuer_id == principal.issuer_id)
    return stmt.where(false())


def find_visible_job(session: Session, principal: Principal, job_id: uuid.UUID) -> Job | None:
    return session.scalar(jobs_visible_to(principal).where(Job.id == job_id))


def claimable(stale_before: datetime) -> ColumnElement[bool]:
    """Queued, or running under a worker whose heartbeat stopped (crashed or restarted)."""
    return or_(
        Job.state == "queued",
        and_(
            Job.state == "running", or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale_before)
        ),
    )


def next_claimable_job_id(
    session: Session, kinds: Sequence[str], stale_before: datetime, skip: Sequence[uuid.UUID]
) -> uuid.UUID | None:
    stmt = (
        select(Job.id)
        .where(claimable(stale_before), Job.kind.in_(kinds))
        .order_by(Job.created_at, Job.id)
        .limit(1)
    )
    if skip:
        stmt = stmt.where(Job.id.not_in(skip))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return session.scalar(stmt)


def take_job(
    session: Session, job_id: uuid.UUID, worker_id: str, now: datetime, stale_before: datetime
) -> bool:
    """The conditional UPDATE that makes `worker_id` the job's owner; False if it lost a race."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, claimable(stale_before))
        .values(
            state="running",
            worker_id=worker_id,
            heartbeat_at=now,
            attempts=Job.attempts + 1,
            started_at=func.coalesce(Job.started_at, now),
            run_started_at=now,
            run_base_count=Job.done_count + Job.failed_count,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def renew_lease(session: Session, job_id: uuid.UUID, worker_id: str, now: datetime) -> bool:
    """Heartbeat, and proof that this worker still owns the job (it locks the row on PostgreSQL,
    so chunks of one job never run concurrently)."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.worker_id == worker_id, Job.state == "running")
        .values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def load_job(session: Session, job_id: uuid.UUID) -> Job:
    job = session.scalar(
        select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
    )
    if job is None:  # pragma: no cover - jobs are never deleted while running
        raise LookupError(f"job {job_id} vanished")
    return job


def pending_items(session: Session, job_id: uuid.UUID, limit: int) -> Sequence[JobItem]:
    """Up to `limit` pending items: a part of the job. On PostgreSQL they are locked with
    `FOR UPDATE SKIP LOCKED`, so workers of every replica take disjoint parts of one job at once
    (a locked item is skipped; once its transaction commits it is no longer pending)."""
    stmt = (
        select(JobItem)
        .where(JobItem.job_id == job_id, JobItem.status == "pending")
        .order_by(JobItem.number)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return session.scalars(stmt).all()


def shared_job_ids(
    session: Session, kinds: Sequence[str], skip: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Running jobs (owned by some worker) that still have pending items another worker may
    help with, oldest first."""
    pending = select(JobItem.id).where(JobItem.job_id == Job.id, JobItem.status == "pending")
    stmt = (
        select(Job.id)
        .where(Job.state == "running", Job.kind.in_(kinds), pending.exists())
        .order_by(Job.created_at, Job.id)
        .limit(5)
    )
    if skip:
        stmt = stmt.where(Job.id.not_in(skip))
    return list(session.scalars(stmt).all())


def lock_running_job(session: Session, job_id: uuid.UUID) -> bool:
    """Lock a running job's row (to add a part's counts), False if it is no longer running."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "running")
        .values(heartbeat_at=Job.heartbeat_at)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def has_pending_items(session: Session, job_id: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(JobItem.id).where(JobItem.job_id == job_id, JobItem.status == "pending").limit(1)
        )
        is not None
    )
