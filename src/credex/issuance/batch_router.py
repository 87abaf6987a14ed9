"""`POST /api/v1/credentials/batch` (bulk issuance → 202 + job id) and `/api/v1/jobs` progress.

The body is JSON (`schemas/batch-request.schema.json`) or a multipart form with a CSV `file`
(`schemas/batch-csv.md`) and optional `achievement_id`, `format`, `issuer_id` fields. Reading
the body is an async dependency with a size cap, so the endpoint itself stays synchronous.
After the job is committed, a background task wakes this process's job worker.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response

from credex.deps import IssuerPrincipal, SessionDep, SettingsDep
from credex.errors import Unauthorized
from credex.issuance import batch
from credex.issuance.batch import MAX_BATCH_BYTES, BatchUpload
from credex.jobs.router import router as jobs_router
from credex.jobs.schemas import JobSubmitted
from credex.jobs.worker import wake_job_worker
from credex.uploads import UploadLimit, read_json_or_csv

router = APIRouter()
router.include_router(jobs_router)

FORM_FIELDS = ("achievement_id", "format", "issuer_id")


async def read_batch_upload(request: Request) -> BatchUpload:
    # Refuse anonymous uploads before reading megabytes (the token itself is checked later,
    # after the body: checking it opens the unit of work, which on SQLite holds the write lock).
    if "authorization" not in request.headers:
        raise Unauthorized("this endpoint needs a bearer token")
    limit = UploadLimit(MAX_BATCH_BYTES, "a batch")
    body = await read_json_or_csv(request, limit, FORM_FIELDS, max_fields=len(FORM_FIELDS) + 2)
    if body.kind == "json":
        return BatchUpload(kind="json", document=body.document)
    return BatchUpload(kind="csv", csv_data=body.csv_data, form=body.form)


_BATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}],
                    "description": "schemas/batch-request.schema.json, or its `items` alone",
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "CSV"},
                        **{name: {"type": "string"} for name in FORM_FIELDS},
                    },
                }
            },
        },
    }
}


@router.post(
    "/api/v1/credentials/batch",
    status_code=202,
    tags=["credentials"],
    summary="Issue many credentials in a background job (JSON list or CSV upload)",
    openapi_extra=_BATCH_BODY,
)
def submit_batch(
    *,
    upload: Annotated[BatchUpload, Depends(read_batch_upload)],
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
    request: Request,
    response: Response,
    background: BackgroundTasks,
) -> JobSubmitted:
    job = batch.submit_batch(session, principal, upload, settings)
    background.add_task(wake_job_worker, request.app)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    return JobSubmitted(job_id=job.id)
