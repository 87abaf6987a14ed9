"""`/api/v1/accreditations`: the registry verification reports consult (admins)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status

from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.deps import AdminPrincipal, SessionDep, SettingsDep
from credex.errors import InvalidInput
from credex.pagination import CursorParam, LimitParam, Page
from credex.recognition import accreditations
from credex.recognition.accreditation_schemas import (
    AccreditationCreate,
    AccreditationRead,
    parse_csv,
)

router = APIRouter(prefix="/api/v1/accreditations", tags=["recognition"])
MAX_CSV_BYTES = 2_000_000


async def csv_body(request: Request) -> str:
    body = await request.body()
    if len(body) > MAX_CSV_BYTES:
        raise InvalidInput(f"the CSV is larger than {MAX_CSV_BYTES} bytes")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("the CSV must be UTF-8 text") from exc


CsvBody = Annotated[str, Depends(csv_body)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Record an accreditation")
def add_accreditation(
    data: AccreditationCreate, session: SessionDep, admin: AdminPrincipal, settings: SettingsDep
) -> AccreditationRead:
    row = accreditations.add(session, data.stored(), settings.base_url)
    audit.record(
        session,
        action="accreditation.added",
        actor=actor_label(admin),
        issuer_id=None,
        details={"accreditation_id": str(row.id), "issuer": row.issuer},
    )
    return AccreditationRead.build(row)


@router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    summary="Import accreditations from CSV (all rows or none)",
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def import_accreditations(
    text: CsvBody, admin: AdminPrincipal, settings: SettingsDep, session: SessionDep
) -> Page[AccreditationRead]:
    rows = [
        accreditations.add(session, record.stored(), settings.base_url)
        for record in parse_csv(text)
    ]
    audit.record(
        session,
        action="accreditation.imported",
        actor=actor_label(admin),
        issuer_id=None,
        details={"count": len(rows)},
    )
    return Page(items=[AccreditationRead.build(row) for row in rows], next=None)


@router.get("", summary="The registry (newest first)")
def list_accreditations(
    session: SessionDep,
    _admin: AdminPrincipal,
    issuer: Annotated[str | None, Query(max_length=1000)] = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[AccreditationRead]:
    rows, next_cursor = accreditations.list_records(
        session, issuer=issuer, limit=limit, cursor=cursor
    )
    return Page(items=[AccreditationRead.build(row) for row in rows], next=next_cursor)


@router.get("/{record_id}", summary="One accreditation record")
def get_accreditation(
    record_id: uuid.UUID, session: SessionDep, _admin: AdminPrincipal
) -> AccreditationRead:
    return AccreditationRead.build(accreditations.get_record(session, record_id))
