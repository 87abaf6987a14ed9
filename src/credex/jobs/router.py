"""`/api/v1/jobs`: progress of background jobs, and cancelling them.

Issuer tokens see their own issuer's jobs (admins all); another issuer's job answers 404.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from credex.db.models import Job
from credex.deps import IssuerPrincipal, SessionDep
from credex.jobs import service
from credex.jobs.schemas import JobItemError, JobRead

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


def to_read(job: Job) -> JobRead:
    progress = service.progress_of(job)
    return JobRead(
        id=job.id,
        kind=job.kind,
        state=job.state,
        total=job.total,
        done=job.done_count,
        failed=job.failed_count,
        rate=progress.rate,
        eta_seconds=progress.eta_seconds,
        errors=[JobItemError.model_validate(error) for error in job.errors],
        failure=job.failure,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@router.get("/{job_id}", summary="A job's progress")
def read(job_id: uuid.UUID, session: SessionDep, principal: IssuerPrincipal) -> JobRead:
    return to_read(service.get_job(session, principal, job_id))


@router.post("/{job_id}/cancel", summary="Cancel a job (items already done stay done)")
def cancel(job_id: uuid.UUID, session: SessionDep, principal: IssuerPrincipal) -> JobRead:
    return to_read(service.cancel_job(session, principal, job_id))
