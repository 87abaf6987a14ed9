"""Bulk issuance from the console: preview a CSV's rows and errors before anything is issued,
issue the valid rows, and give back the rows that failed (refused at preview or at issuance)
with their reasons, as a CSV the user can correct and upload again.

The API's `POST /credentials/batch` stays all-or-nothing; here the person has seen the errors
and chose to go on without those rows, so they are kept on the job (`params["skipped"]`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import Job, JobItem
from credex.errors import Conflict, InvalidInput
from credex.issuance import batch_csv
from credex.issuance.batch import BATCH_KIND, BatchUpload, read_batch
from credex.issuance.batch_checks import check_rows
from credex.issuers import repository as issuers_repository
from credex.jobs.service import submit_job
from credex.learners.tenancy import acting_issuer_id
from credex.settings import Settings
from credex.uploads import decode_csv

MAX_KEPT_SKIPS = 1000
PREVIEW_ROWS = 10


@dataclass(frozen=True)
class BatchPreview:
    total: int
    valid: int
    errors: list[dict[str, Any]]
    first_rows: list[batch_csv.CsvRecord]

    @property
    def bad_rows(self) -> int:
        return len({error["row"] for error in self.errors})


def csv_upload(text: str, achievement_id: str) -> BatchUpload:
    form = {"achievement_id": achievement_id} if achievement_id else {}
    return BatchUpload(kind="csv", csv_data=text.encode("utf-8"), form=form)


def preview_batch(
    session: Session, principal: Principal, upload: BatchUpload, settings: Settings
) -> BatchPreview:
    """Every row checked as issuance would; nothing is written."""
    batch = read_batch(upload)
    issuer_id = acting_issuer_id(session, principal, batch.issuer_id)
    valid, errors = check_rows(session, issuer_id, batch, settings.base_url)
    table = batch_csv.read_csv(decode_csv(upload.csv_data), max_rows=len(batch.rows) + 1)
    return BatchPreview(len(batch.rows), len(valid), errors, table.records[:PREVIEW_ROWS])


def submit_valid_rows(
    session: Session, principal: Principal, upload: BatchUpload, settings: Settings, *, actor: str
) -> Job:
    """A job for the valid rows; the invalid ones (with their cells) are kept on the job."""
    batch = read_batch(upload)
    issuer_id = acting_issuer_id(session, principal, batch.issuer_id)
    valid, errors = check_rows(session, issuer_id, batch, settings.base_url)
    if not valid:
        raise InvalidInput("no row of this file can be issued; correct the errors first")
    if issuers_repository.active_key(session, issuer_id) is None:
        raise Conflict("this issuer has no active signing key; ask an administrator to rotate")
    cells = {
        record.number: record.cells
        for record in batch_csv.read_csv(decode_csv(upload.csv_data), max_rows=10**6).records
    }
    skipped = [{**error, "cells": cells.get(error["row"], {})} for error in errors[:MAX_KEPT_SKIPS]]
    return submit_job(
        session,
        kind=BATCH_KIND,
        issuer_id=issuer_id,
        created_by=actor,
        params={"actor": actor, "source": "csv", "skipped": skipped},
        items=[
            (number, request.model_dump(mode="json", exclude_none=True, exclude_defaults=True))
            for number, request in valid
        ],
    )


def failed_rows_csv(session: Session, job: Job) -> str:
    """The rows that were not issued: refused before the job, or failed while it ran."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", *batch_csv.COLUMNS, "reason"])
    reasons: dict[int, list[str]] = {}
    rows: dict[int, dict[str, str]] = {}
    for skip in job.params.get("skipped", []):
        number = int(skip["row"])
        rows.setdefault(number, dict(skip.get("cells") or {}))
        field = f"{skip['field']}: " if skip.get("field") else ""
        reasons.setdefault(number, []).append(field + str(skip.get("detail", "")))
    for item in session.scalars(
        select(JobItem)
        .where(JobItem.job_id == job.id, JobItem.status == "failed")
        .order_by(JobItem.number)
    ):
        learner = item.payload.get("learner") or {}
        rows.setdefault(
            item.number,
            {
                "email": str(learner.get("email", "")),
                "name": str(learner.get("name", "")),
                "achievement_id": str(item.payload.get("achievement_id", "")),
            },
        )
        reasons.setdefault(item.number, []).append(item.error or "failed")
    for number in sorted(rows):
        cells = rows[number]
        writer.writerow(
            [number, *(cells.get(c, "") for c in batch_csv.COLUMNS), "; ".join(reasons[number])]
        )
    return out.getvalue()
