"""Recognition of prior learning over HTTP: the learner's side under `/api/v1/wallet/recognition`,
the assessors' queue and decisions under `/api/v1/recognition/applications` (issuer tokens)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import AnyHttpUrl, BaseModel, Field, model_validator
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.db.models import EvidenceFile, RecognitionApplication
from credex.deps import IssuerPrincipal, LearnerPrincipal, SessionDep, SettingsDep
from credex.errors import Forbidden, InvalidInput, NotFound
from credex.recognition import rpl
from credex.schemas_common import StrictInput, trimmed_text

router = APIRouter(tags=["recognition"])
Text = Annotated[str, trimmed_text(20_000)]


class OutcomeStatement(StrictInput):
    outcome_id: Annotated[str, trimmed_text(20)]
    text: Text


class EvidenceItem(StrictInput):
    url: AnyHttpUrl | None = None
    text: Text | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.url is None) == (self.text is None):
            raise ValueError('give "url" or "text"')
        return self


class ApplicationIn(StrictInput):
    achievement_id: uuid.UUID
    name: Annotated[str, trimmed_text(300)] | None = None
    statement: Text | None = None
    outcomes: list[OutcomeStatement] = Field(default_factory=list, max_length=50)
    evidence: list[EvidenceItem] = Field(default_factory=list, max_length=20)
    submit: bool = Field(default=True, description="false: keep it as a draft")


class ApplicationUpdate(StrictInput):
    statement: Text | None = None
    outcomes: list[OutcomeStatement] | None = Field(default=None, max_length=50)
    evidence: list[EvidenceItem] | None = Field(default=None, max_length=20)
    submit: bool = False


class OutcomeJudgement(StrictInput):
    outcome_id: Annotated[str, trimmed_text(20)]
    met: bool
    comment: Annotated[str, trimmed_text(5000)] | None = None


class DecisionIn(StrictInput):
    outcome: Literal["accepted", "declined", "more_evidence"]
    outcomes: list[OutcomeJudgement] = Field(default_factory=list, max_length=50)
    comment: Annotated[str, trimmed_text(5000)] | None = None


class FileRead(BaseModel):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int


class ApplicationRead(BaseModel):
    id: uuid.UUID
    achievement_id: uuid.UUID
    issuer_id: uuid.UUID
    state: str
    stage: str = Field(description="identification, documentation, assessment or certification")
    email: str
    statement: str
    outcomes: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    files: list[FileRead]
    decisions: list[dict[str, Any]]
    credential_id: uuid.UUID | None
    created_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None


STAGES = {
    "draft": "documentation",
    "more_evidence": "documentation",
    "submitted": "assessment",
    "accepted": "certification",
    "declined": "assessment",
}


def _read(session: Session, row: RecognitionApplication) -> ApplicationRead:
    files = [
        FileRead(id=f.id, filename=f.filename, content_type=f.content_type, size=f.size)
        for f in rpl.files_of(session, row)
    ]
    return ApplicationRead(
        id=row.id,
        achievement_id=row.achievement_id,
        issuer_id=row.issuer_id,
        state=row.state,
        stage=STAGES[row.state],
        email=row.email,
        statement=row.statement,
        outcomes=row.outcomes,
        evidence=row.evidence,
        files=files,
        decisions=row.decisions,
        credential_id=row.credential_id,
        created_at=row.created_at,
        submitted_at=row.submitted_at,
        decided_at=row.decided_at,
    )


def _email(principal: Principal) -> str:
    if not principal.learner_email:
        raise Forbidden("this action needs a learner token")
    return principal.learner_email.strip().lower()


def _own(
    session: Session, principal: Principal, application_id: uuid.UUID
) -> RecognitionApplication:
    row = session.get(RecognitionApplication, application_id)
    if row is None or row.email != _email(principal):
        raise NotFound(f"no application {application_id}")
    return row


def _assessed(
    session: Session, principal: Principal, application_id: uuid.UUID
) -> RecognitionApplication:
    row = session.get(RecognitionApplication, application_id)
    if row is None or not principal.can_act_for_issuer(row.issuer_id):
        raise NotFound(f"no application {application_id}")
    return row


def _download(stored: EvidenceFile) -> Response:
    """An attachment of a sniffed, allowed type: a browser never renders or runs it inline."""
    return Response(
        stored.data,
        media_type=stored.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{stored.filename}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


async def uploaded_file(request: Request) -> tuple[str, bytes]:
    """The multipart `file` field, refused beyond the size limit."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > rpl.MAX_FILE_BYTES + 64 * 1024:
        raise InvalidInput(f"a file may be at most {rpl.MAX_FILE_BYTES // (1024 * 1024)} MB")
    async with request.form(max_files=1, max_fields=5) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput('send the file as multipart form field "file"')
        data = await upload.read(rpl.MAX_FILE_BYTES + 1)
        return upload.filename or "evidence", data


UploadDep = Annotated[tuple[str, bytes], Depends(uploaded_file)]


@router.post(
    "/api/v1/wallet/recognition",
    status_code=status.HTTP_201_CREATED,
    summary="Apply for recognition of prior learning (or save a draft)",
)
def apply(
    data: ApplicationIn, session: SessionDep, learner: LearnerPrincipal, settings: SettingsDep
) -> ApplicationRead:
    row = rpl.apply(
        session,
        settings,
        _email(learner),
        actor_label(learner),
        data.model_dump(mode="json") | {"achievement_id": data.achievement_id},
    )
    return _read(session, row)


@router.get("/api/v1/wallet/recognition", summary="My applications, newest first")
def my_applications(session: SessionDep, learner: LearnerPrincipal) -> dict[str, Any]:
    rows = rpl.of_learner(session, _email(learner))
    return {"items": [_read(session, row).model_dump(mode="json") for row in rows]}


@router.get("/api/v1/wallet/recognition/{application_id}", summary="One of my applications")
def my_application(
    application_id: uuid.UUID, session: SessionDep, learner: LearnerPrincipal
) -> ApplicationRead:
    return _read(session, _own(session, learner, application_id))


@router.patch("/api/v1/wallet/recognition/{application_id}", summary="Edit a draft; submit")
def edit(
    application_id: uuid.UUID,
    data: ApplicationUpdate,
    session: SessionDep,
    learner: LearnerPrincipal,
    settings: SettingsDep,
) -> ApplicationRead:
    row = _own(session, learner, application_id)
    changes = data.model_dump(mode="json", exclude_unset=True) | {"submit": data.submit}
    return _read(session, rpl.update(session, settings, row, actor_label(learner), changes))


@router.post(
    "/api/v1/wallet/recognition/{application_id}/files",
    status_code=status.HTTP_201_CREATED,
    summary="Add an evidence file (PDF, PNG, JPEG or text; at most 5 MB)",
)
def add_file(
    application_id: uuid.UUID, upload: UploadDep, session: SessionDep, learner: LearnerPrincipal
) -> FileRead:
    row = _own(session, learner, application_id)
    stored = rpl.add_file(session, row, actor_label(learner), upload[0], upload[1])
    return FileRead(
        id=stored.id, filename=stored.filename, content_type=stored.content_type, size=stored.size
    )


@router.get("/api/v1/wallet/recognition/{application_id}/files/{file_id}")
def my_file(
    application_id: uuid.UUID, file_id: uuid.UUID, session: SessionDep, learner: LearnerPrincipal
) -> Response:
    return _download(rpl.file_of(session, _own(session, learner, application_id), file_id))


@router.get("/api/v1/recognition/applications", summary="The assessors' queue")
def assessor_queue(
    session: SessionDep, principal: IssuerPrincipal, state: str | None = "submitted"
) -> dict[str, Any]:
    issuer_id = None if principal.is_admin else principal.issuer_id
    rows = rpl.queue(session, issuer_id, state)
    return {"items": [_read(session, row).model_dump(mode="json") for row in rows]}


@router.get("/api/v1/recognition/applications/{application_id}")
def assessed_application(
    application_id: uuid.UUID, session: SessionDep, principal: IssuerPrincipal
) -> ApplicationRead:
    return _read(session, _assessed(session, principal, application_id))


@router.get("/api/v1/recognition/applications/{application_id}/files/{file_id}")
def assessed_file(
    application_id: uuid.UUID, file_id: uuid.UUID, session: SessionDep, principal: IssuerPrincipal
) -> Response:
    return _download(rpl.file_of(session, _assessed(session, principal, application_id), file_id))


@router.post(
    "/api/v1/recognition/applications/{application_id}/decision",
    summary="Assess: per outcome met or not; more evidence, decline, or accept (issues)",
)
def decide(
    application_id: uuid.UUID,
    data: DecisionIn,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> ApplicationRead:
    row = _assessed(session, principal, application_id)
    decided = rpl.decide(session, settings, row, actor_label(principal), data.model_dump())
    return _read(session, decided)
