"""`POST /api/v1/credentials/batch` (bulk issuance → 202 + job id) and `/api/v1/jobs` progress.

The body is JSON (`schemas/batch-request.schema.json`) or a multipart form with a CSV `file`
(`schemas/batch-csv.md`) and optional `achievement_id`, `format`, `issuer_id` fields. Reading
the body is an async dependency with a size cap, so the endpoint itself stays synchronous.
After the job is committed, a background task wakes this process's job worker.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from starlette.datastructures import UploadFile

from credex.deps import IssuerPrincipal, SessionDep, SettingsDep
from credex.errors import CredexError, InvalidInput, PayloadTooLarge, Unauthorized, field_error
from credex.issuance import batch
from credex.issuance.batch import MAX_BATCH_BYTES, BatchUpload
from credex.jobs.router import router as jobs_router
from credex.jobs.schemas import JobSubmitted
from credex.jobs.worker import wake_job_worker

router = APIRouter()
router.include_router(jobs_router)

FORM_FIELDS = ("achievement_id", "format", "issuer_id")


class MalformedBody(CredexError):
    status = 400
    slug = "bad-request"
    title = "Malformed request body"


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"a batch may be at most {MAX_BATCH_BYTES // (1024 * 1024)} MiB")


async def _read_json(request: Request) -> Any:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BATCH_BYTES:
            raise _too_large()
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise MalformedBody("the request body is not valid JSON") from exc


async def read_batch_upload(request: Request) -> BatchUpload:
    # Refuse anonymous uploads before reading megabytes (the token itself is checked later,
    # after the body: checking it opens the unit of work, which on SQLite holds the write lock).
    if "authorization" not in request.headers:
        raise Unauthorized("this endpoint needs a bearer token")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BATCH_BYTES + 64 * 1024:
        raise _too_large()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return BatchUpload(kind="json", document=await _read_json(request))
    if content_type != "multipart/form-data":
        raise InvalidInput(
            "send application/json, or multipart/form-data with a CSV file",
            errors=[field_error("/", f"unsupported content type {content_type or 'none'!r}")],
        )
    async with request.form(max_files=1, max_fields=len(FORM_FIELDS) + 2) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                "the CSV file is missing", errors=[field_error("/file", "attach the CSV as `file`")]
            )
        data = await upload.read(MAX_BATCH_BYTES + 1)
        fields = {name: value for name in FORM_FIELDS if isinstance(value := form.get(name), str)}
    if len(data) > MAX_BATCH_BYTES:
        raise _too_large()
    return BatchUpload(kind="csv", csv_data=data, form=fields)


_BATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "schemas/batch-request.schema.json"}
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
