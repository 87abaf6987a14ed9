"""Bulk issuance: validate EVERY row first, then issue in a background job, exactly once per row.

A batch is all or nothing at submission: one invalid row (bad e-mail, unknown, foreign or
unpublished achievement, bad date or URL) is a 422 listing each bad row, and nothing is stored.
A valid batch becomes a `credentials.batch` job with one item per row; the job runner issues
them in chunks, each chunk's credentials and item marks in one transaction (see
`credex.jobs.runner`). A chunk is issued at once by `batch_issue.ChunkIssuer` (the issuance
building blocks with per-chunk queries); when that path declines, row by row through the same
`issue_credential` as a single `POST /credentials`, so a failing row fails alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.db.models import Job, JobItem
from credex.errors import Conflict, CredexError, InvalidInput, field_error
from credex.issuance import batch_csv
from credex.issuance.batch_checks import Batch, BatchRow, field_name, invalid_batch, validate_rows
from credex.issuance.batch_issue import ChunkIssuer, row_idempotency_key
from credex.issuance.schemas import CredentialFormat, IssueRequest
from credex.issuance.service import issue_credential
from credex.issuers import repository as issuers_repository
from credex.jobs.handlers import ItemFailed, JobFailed, register_handler
from credex.jobs.service import submit_job
from credex.learners.tenancy import acting_issuer_id
from credex.settings import Settings
from credex.uploads import decode_csv

BATCH_KIND = "credentials.batch"
MAX_BATCH_ROWS = 50_000
MAX_BATCH_BYTES = 32 * 1024 * 1024


class BatchCreate(BaseModel):
    """The JSON form (schemas/batch-request.schema.json); items are checked one by one later,
    so a bad item is reported by its row instead of failing the whole body at once."""

    model_config = ConfigDict(extra="forbid")

    items: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH_ROWS)
    format: CredentialFormat = "ldp"
    achievement_id: uuid.UUID | None = None
    issuer_id: uuid.UUID | None = None


@dataclass(frozen=True)
class BatchUpload:
    """What the router read: a JSON document, or CSV bytes with the form's fields."""

    kind: Literal["json", "csv"]
    document: Any = None
    csv_data: bytes = b""
    form: dict[str, str] | None = None


def read_batch(upload: BatchUpload) -> Batch:
    """Rows from a JSON body or a CSV file; shape errors (no header, bad body) are a 422."""
    if upload.kind == "json":
        # API.md: the body is `{"items": [...], ...}` or the bare array of items.
        bare = isinstance(upload.document, list)
        try:
            body = BatchCreate.model_validate(
                {"items": upload.document} if bare else upload.document
            )
        except ValidationError as exc:
            raise InvalidInput(
                "the batch request is invalid",
                errors=[
                    field_error(_body_pointer(error["loc"], bare), error["msg"])
                    for error in exc.errors()
                ],
            ) from exc
        defaults: dict[str, Any] = {"format": body.format}
        if body.achievement_id is not None:
            defaults["achievement_id"] = str(body.achievement_id)
        rows = [BatchRow(index, defaults | item) for index, item in enumerate(body.items, 1)]
        return Batch("json", rows, body.issuer_id, items_pointer="" if bare else "/items")
    form = upload.form or {}
    settings = _form_settings(form)
    table = batch_csv.read_csv(decode_csv(upload.csv_data), max_rows=MAX_BATCH_ROWS)
    if table.errors:
        raise invalid_batch(table.errors)
    if not table.records:
        raise InvalidInput("the CSV file has no rows", errors=[field_error("/file", "no rows")])
    rows = [
        BatchRow(
            record.number,
            batch_csv.record_to_request(
                record.cells,
                achievement_id=settings.achievement_id,
                credential_format=settings.format,
            ),
        )
        for record in table.records
    ]
    return Batch("csv", rows, settings.issuer_id)


def _body_pointer(loc: tuple[int | str, ...], bare: bool) -> str:
    """RFC 6901 pointer into the body as sent (a bare array has no `items` member)."""
    parts = [str(part) for part in loc]
    if bare and parts[:1] == ["items"]:
        parts = parts[1:]
    return "".join("/" + part for part in parts)


class _FormSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: CredentialFormat = "ldp"
    achievement_id: str | None = None
    issuer_id: uuid.UUID | None = None


def _form_settings(form: dict[str, str]) -> _FormSettings:
    try:
        return _FormSettings.model_validate({k: v for k, v in form.items() if v.strip()})
    except ValidationError as exc:
        raise InvalidInput(
            "a form field is invalid",
            errors=[
                field_error("/" + "/".join(str(p) for p in error["loc"]), error["msg"])
                for error in exc.errors()
            ],
        ) from exc


def submit_batch(
    session: Session, principal: Principal, upload: BatchUpload, settings: Settings
) -> Job:
    """Validate every row, then queue one job; nothing is stored unless every row is valid."""
    batch = read_batch(upload)
    issuer_id = acting_issuer_id(session, principal, batch.issuer_id)
    requests = validate_rows(session, issuer_id, batch, settings.base_url)
    actor = actor_label(principal)
    if issuers_repository.active_key(session, issuer_id) is None:
        raise Conflict("this issuer has no active signing key; rotate to create one")
    return submit_job(
        session,
        kind=BATCH_KIND,
        issuer_id=issuer_id,
        created_by=actor,
        params={"actor": actor, "source": batch.source},
        items=[
            (number, request.model_dump(mode="json", exclude_none=True, exclude_defaults=True))
            for number, request in requests
        ],
    )


@dataclass(frozen=True)
class _BatchContext:
    job_id: uuid.UUID
    issuer_id: uuid.UUID
    settings: Settings
    actor: str
    source: str
    chunks: ChunkIssuer


class BatchIssuanceHandler:
    """Issues a chunk at once (`batch_issue`), or one row through the single-issuance service
    when the runner isolates rows; either way inside the runner's chunk transaction."""

    kind = BATCH_KIND

    def prepare(self, session: Session, job: Job, settings: Settings) -> _BatchContext:
        if job.issuer_id is None:
            raise JobFailed("a batch issuance job needs an issuer")
        if issuers_repository.active_key(session, job.issuer_id) is None:
            raise JobFailed("the issuer has no active signing key; rotate to create one")
        actor = str(job.params.get("actor", job.created_by))
        source = str(job.params.get("source", "json"))
        chunks = ChunkIssuer(job.id, job.issuer_id, settings, actor)
        return _BatchContext(job.id, job.issuer_id, settings, actor, source, chunks)

    def process_chunk(
        self, session: Session, context: _BatchContext, items: Sequence[JobItem]
    ) -> list[uuid.UUID]:
        """The fast path for a whole chunk; on any exception the runner goes row by row."""
        rows = [(item.number, IssueRequest.model_validate(item.payload)) for item in items]
        return context.chunks.issue_chunk(session, rows)

    def process(self, session: Session, context: _BatchContext, item: JobItem) -> uuid.UUID:
        try:
            request = IssueRequest.model_validate(item.payload)
        except ValidationError as exc:  # only if the rules changed since the batch was checked
            error = exc.errors()[0]
            raise ItemFailed(error["msg"], field=".".join(map(str, error["loc"]))) from exc
        try:
            credential = issue_credential(
                session,
                context.issuer_id,
                request,
                context.settings,
                actor=context.actor,
                idempotency_key=row_idempotency_key(context.job_id, item.number),
            )
        except CredexError as exc:  # e.g. the learner's DID was recorded differently since
            pointer = exc.errors[0].get("pointer", "") if exc.errors else ""
            loc = [part for part in str(pointer).split("/") if part]
            raise ItemFailed(exc.detail, field=field_name(context.source, loc)) from exc
        return credential.id


register_handler(BatchIssuanceHandler())
