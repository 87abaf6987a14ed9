"""`/api/v1/frameworks`: competency frameworks and their competencies.

Reads are open to any valid token (issuers align achievements to competencies); every write is
admin-only. Each endpoint binds input, calls one service function and returns a response schema.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from credex.audit.actors import actor_label
from credex.deps import AdminPrincipal, CurrentPrincipal, SessionDep
from credex.frameworks import competencies, exporting, importing, service
from credex.frameworks.schemas import (
    CompetencyCreate,
    CompetencyRead,
    CompetencyUpdate,
    FrameworkCreate,
    FrameworkRead,
    FrameworkStatus,
    FrameworkUpdate,
    NewVersionCreate,
)
from credex.frameworks.upload import ImportUpload, read_import_upload
from credex.pagination import CursorParam, LimitParam, Page

router = APIRouter(prefix="/api/v1/frameworks", tags=["frameworks"])

SearchParam = Annotated[str | None, Query(max_length=200, description="substring search")]
ImportUploadDep = Annotated[ImportUpload, Depends(read_import_upload)]


class FrameworkImportRead(FrameworkRead):
    competency_count: int


_IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "schemas/framework.schema.json"}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "title", "default_language"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "CSV"},
                        **{
                            name: {"type": "string"}
                            for name in (
                                "title",
                                "description",
                                "default_language",
                                "version",
                                "publisher",
                                "source_url",
                                "license",
                            )
                        },
                    },
                }
            },
        },
    }
}


def _framework(row: Any) -> FrameworkRead:
    return FrameworkRead.model_validate(row)


def _competency(row: Any) -> CompetencyRead:
    return CompetencyRead.model_validate(row)


@router.post("", status_code=201)
def create_framework(
    data: FrameworkCreate, session: SessionDep, admin: AdminPrincipal
) -> FrameworkRead:
    return _framework(service.create_framework(session, data, actor=actor_label(admin)))


@router.get("")
def list_frameworks(
    session: SessionDep,
    _caller: CurrentPrincipal,
    q: SearchParam = None,
    status: FrameworkStatus | None = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[FrameworkRead]:
    rows, next_cursor = service.list_frameworks(
        session, q=q, status=status, limit=limit, cursor=cursor
    )
    return Page(items=[_framework(r) for r in rows], next=next_cursor)


@router.post("/import", status_code=201, openapi_extra=_IMPORT_BODY)
def import_framework(
    admin: AdminPrincipal, upload: ImportUploadDep, session: SessionDep
) -> FrameworkImportRead:
    """JSON in the documented format, or a CSV `file` with the framework's fields as form fields."""
    if upload.kind == "json":
        result = importing.import_json(session, upload.document)
    else:
        result = importing.import_csv(session, upload.csv_text, upload.metadata)
    return FrameworkImportRead(
        **_framework(result.framework).model_dump(), competency_count=result.competency_count
    )


@router.get("/{framework_id}")
def get_framework(
    framework_id: uuid.UUID, session: SessionDep, _caller: CurrentPrincipal
) -> FrameworkRead:
    return _framework(service.get_framework(session, framework_id))


@router.patch("/{framework_id}")
def update_framework(
    framework_id: uuid.UUID, data: FrameworkUpdate, session: SessionDep, admin: AdminPrincipal
) -> FrameworkRead:
    return _framework(
        service.update_framework(session, framework_id, data, actor=actor_label(admin))
    )


@router.delete("/{framework_id}", status_code=204)
def delete_framework(framework_id: uuid.UUID, session: SessionDep, admin: AdminPrincipal) -> None:
    service.delete_framework(session, framework_id, actor=actor_label(admin))


@router.post("/{framework_id}/publish")
def publish_framework(
    framework_id: uuid.UUID, session: SessionDep, admin: AdminPrincipal
) -> FrameworkRead:
    return _framework(service.publish_framework(session, framework_id, actor=actor_label(admin)))


@router.post("/{framework_id}/retire")
def retire_framework(
    framework_id: uuid.UUID, session: SessionDep, admin: AdminPrincipal
) -> FrameworkRead:
    return _framework(service.retire_framework(session, framework_id, actor=actor_label(admin)))


@router.post("/{framework_id}/versions", status_code=201)
def start_new_version(
    framework_id: uuid.UUID,
    session: SessionDep,
    admin: AdminPrincipal,
    data: NewVersionCreate | None = None,
) -> FrameworkRead:
    """A new draft copying every competency; `version` defaults to the old one bumped."""
    return _framework(
        service.start_new_version(
            session, framework_id, data or NewVersionCreate(), actor=actor_label(admin)
        )
    )


@router.get(
    "/{framework_id}/export",
    response_model=None,
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def export_framework(
    framework_id: uuid.UUID,
    session: SessionDep,
    admin: AdminPrincipal,
    format: exporting.ExportFormat = "json",  # noqa: A002 - the documented parameter name
) -> Response:
    export = exporting.export_framework(session, framework_id, format)
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    if isinstance(export.content, str):
        return Response(export.content, media_type=export.media_type, headers=headers)
    return JSONResponse(export.content, headers=headers)


@router.post("/{framework_id}/competencies", status_code=201)
def add_competency(
    framework_id: uuid.UUID, data: CompetencyCreate, session: SessionDep, admin: AdminPrincipal
) -> CompetencyRead:
    return _competency(
        competencies.add_competency(session, framework_id, data, actor=actor_label(admin))
    )


@router.get("/{framework_id}/competencies")
def list_competencies(
    framework_id: uuid.UUID,
    session: SessionDep,
    _caller: CurrentPrincipal,
    q: SearchParam = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[CompetencyRead]:
    rows, next_cursor = competencies.list_competencies(
        session, framework_id, q=q, limit=limit, cursor=cursor
    )
    return Page(items=[_competency(r) for r in rows], next=next_cursor)


@router.get("/{framework_id}/competencies/{competency_id}")
def get_competency(
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
    session: SessionDep,
    _caller: CurrentPrincipal,
) -> CompetencyRead:
    return _competency(competencies.get_competency(session, framework_id, competency_id))


@router.patch("/{framework_id}/competencies/{competency_id}")
def update_competency(
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
    data: CompetencyUpdate,
    session: SessionDep,
    admin: AdminPrincipal,
) -> CompetencyRead:
    return _competency(
        competencies.update_competency(
            session, framework_id, competency_id, data, actor=actor_label(admin)
        )
    )


@router.delete("/{framework_id}/competencies/{competency_id}", status_code=204)
def delete_competency(
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
    session: SessionDep,
    admin: AdminPrincipal,
    cascade: Annotated[bool, Query(description="also delete sub-competencies")] = False,
) -> None:
    competencies.delete_competency(
        session, framework_id, competency_id, cascade=cascade, actor=actor_label(admin)
    )
