"""`GET/PUT /api/v1/nqf/{country}`: national levels referenced to EQF (GET is public)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.deps import AdminPrincipal, ReadSessionDep, SessionDep
from credex.recognition import nqf
from credex.schemas_common import StrictInput, trimmed_text

router = APIRouter(prefix="/api/v1/nqf", tags=["recognition"])


class NqfLevelIn(StrictInput):
    level: Annotated[str, trimmed_text(20)]
    label: Annotated[str, trimmed_text(300)]
    eqf: Annotated[int, Field(ge=1, le=8)]
    source: Annotated[str, trimmed_text(5000)]


class NqfFrameworkIn(StrictInput):
    framework: Annotated[str, trimmed_text(300)]
    levels: list[NqfLevelIn] = Field(min_length=1, max_length=30)


@router.get("/{country}", summary="A country's levels and their EQF referencing")
def get_framework(country: str, session: ReadSessionDep) -> dict[str, Any]:
    return nqf.get_framework(session, country)


@router.put("/{country}", summary="Replace a country's levels (admins)")
def put_framework(
    country: str, data: NqfFrameworkIn, session: SessionDep, admin: AdminPrincipal
) -> dict[str, Any]:
    levels = [level.model_dump() for level in data.levels]
    rows = nqf.put_framework(session, country, data.framework, levels)
    code = nqf.normalise_country(country)
    audit.record(
        session,
        action="nqf.updated",
        actor=actor_label(admin),
        issuer_id=None,
        details={"country": code, "levels": len(rows)},
    )
    return nqf.framework_dict(code, rows)
