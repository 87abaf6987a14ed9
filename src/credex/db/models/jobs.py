"""Durable background jobs: one `jobs` row per job, one `job_items` row per unit of work.

The queue lives in the database so a job survives a crash or restart: a worker claims a job by
writing its `worker_id` and keeps `heartbeat_at` fresh; a job whose heartbeat went stale is
claimed again. Items are processed in chunks, each chunk in ONE transaction together with the
work it records, so every item is done exactly once. Job rows are model-agnostic: `kind` names
the handler, `params` carries job-wide inputs, each item's `payload` carries its own.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from credex.db.base import Base, Timestamps, UUIDPrimaryKey

JOB_STATES = ("queued", "running", "done", "failed", "cancelled")
FINAL_JOB_STATES = ("done", "failed", "cancelled")
ITEM_STATUSES = ("pending", "done", "failed")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Job(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_one_of("state", JOB_STATES), name="state_known"),
        CheckConstraint("total >= 0 AND done_count >= 0 AND failed_count >= 0", name="counts"),
        # Claiming scans queued/running jobs oldest first.
        Index("ix_jobs_state_created_at", "state", "created_at"),
        # An issuer's jobs, newest first.
        Index("ix_jobs_issuer_id_created_at", "issuer_id", "created_at"),
    )

    kind: Mapped[str] = mapped_column(String(64))
    # The tenant that owns the job (None: a system job); reads are scoped by it.
    issuer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("issuers.id"))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    created_by: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total: Mapped[int] = mapped_column(default=0)
    done_count: Mapped[int] = mapped_column(default=0)
    failed_count: Mapped[int] = mapped_column(default=0)
    # The first failed items ({"row", "field", "detail"}), capped; `failed_count` has the total.
    errors: Mapped[list[Any]] = mapped_column(default=list)
    # Why the job as a whole failed (e.g. the issuer has no signing key), else None.
    failure: Mapped[str | None] = mapped_column(String(1000))
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    worker_id: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Start of the current run and the items processed before it: the rate after a resume
    # measures this run only.
    run_started_at: Mapped[datetime | None]
    run_base_count: Mapped[int] = mapped_column(default=0)


class JobItem(UUIDPrimaryKey, Base):
    __tablename__ = "job_items"
    __table_args__ = (
        CheckConstraint(_one_of("status", ITEM_STATUSES), name="status_known"),
        UniqueConstraint("job_id", "number"),
        # The next chunk: a job's pending items in order.
        Index("ix_job_items_job_id_status_number", "job_id", "status", "number"),
    )

    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    # The item's number as the client knows it (CSV row number, or position in a JSON list).
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    payload: Mapped[dict[str, Any]]
    # What the item produced (e.g. the issued credential's id).
    result_id: Mapped[uuid.UUID | None]
    error_field: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(1000))
    processed_at: Mapped[datetime | None]
