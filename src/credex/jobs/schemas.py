"""API shapes for jobs: progress a client can poll and show."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

JobState = Literal["queued", "running", "done", "failed", "cancelled"]


class JobItemError(BaseModel):
    row: int = Field(description="the item's row: CSV row number (header = 1) or JSON position")
    field: str | None = Field(description="the input field at fault, when known")
    detail: str


class JobSubmitted(BaseModel):
    job_id: uuid.UUID


class JobRead(BaseModel):
    id: uuid.UUID
    kind: str
    state: JobState
    total: int
    done: int = Field(description="items processed successfully")
    failed: int = Field(description="items that failed (see `errors`)")
    rate: float | None = Field(description="items per second in the current or last run")
    eta_seconds: float | None = Field(description="estimated seconds until the job is finished")
    errors: list[JobItemError] = Field(description="the first failed items (capped at 100)")
    failure: str | None = Field(description="why the job as a whole failed")
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
