"""API shapes of the accreditation registry, and its CSV layout."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, Field, ValidationError, model_validator

from credex.db.models import Accreditation
from credex.errors import InvalidInput
from credex.schemas_common import StrictInput, http_url, trimmed_text

CSV_COLUMNS = (
    "issuer",
    "name",
    "accredited_by",
    "scope_fields",
    "scope_eqf_levels",
    "valid_from",
    "valid_until",
    "source",
)
MAX_CSV_ROWS = 5000


class ScopeIn(StrictInput):
    fields: list[Annotated[str, trimmed_text(300)]] = Field(default_factory=list, max_length=50)
    eqf_levels: list[Annotated[int, Field(ge=1, le=8)]] = Field(default_factory=list, max_length=8)


class AccreditationCreate(StrictInput):
    issuer: Annotated[str, trimmed_text(1000)] = Field(
        description="the provider as credentials name it (DID or URL), or one of our issuer ids"
    )
    name: Annotated[str, trimmed_text(300)] | None = None
    accredited_by: Annotated[str, trimmed_text(300)]
    scope: ScopeIn = Field(default_factory=ScopeIn)
    valid_from: datetime | None = Field(default=None, description="default: now")
    valid_until: datetime | None = None
    source: Annotated[str, trimmed_text(2000), AfterValidator(http_url)] | None = None
    note: Annotated[str, trimmed_text(5000)] | None = None

    @model_validator(mode="after")
    def _window(self) -> Self:
        for moment in (self.valid_from, self.valid_until):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("give times with a time zone, e.g. 2027-01-01T00:00:00Z")
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        return self

    def stored(self) -> dict[str, Any]:
        data = self.model_dump(exclude={"scope"})
        data["scope_fields"] = self.scope.fields
        data["scope_eqf_levels"] = self.scope.eqf_levels
        return data


class ScopeRead(BaseModel):
    fields: list[str]
    eqf_levels: list[int]


class AccreditationRead(BaseModel):
    id: uuid.UUID
    issuer: str
    name: str
    accredited_by: str | None
    scope: ScopeRead
    valid_from: datetime | None
    valid_until: datetime | None
    source: str | None
    note: str | None
    created_at: datetime

    @classmethod
    def build(cls, row: Accreditation) -> AccreditationRead:
        return cls(
            id=row.id,
            issuer=row.issuer,
            name=row.name,
            accredited_by=row.accredited_by,
            scope=ScopeRead(fields=row.scope_fields, eqf_levels=row.scope_eqf_levels),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            source=row.source,
            note=row.note,
            created_at=row.created_at,
        )


def _cell_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def parse_csv(text: str) -> list[AccreditationCreate]:
    """Every row or none: one 422 lists each bad row (the header is row 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("issuer", "accredited_by") if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            f"the CSV needs the columns {', '.join(CSV_COLUMNS)}; missing: {', '.join(missing)}"
        )
    records: list[AccreditationCreate] = []
    errors: list[dict[str, Any]] = []
    for number, cells in enumerate(reader, start=2):
        if number > MAX_CSV_ROWS + 1:
            raise InvalidInput(f"at most {MAX_CSV_ROWS} rows per import")
        row = {key: (value or "").strip() for key, value in cells.items() if key in CSV_COLUMNS}
        candidate: dict[str, Any] = {
            key: value for key, value in row.items() if value and not key.startswith("scope")
        }
        candidate["scope"] = {
            "fields": _cell_list(row.get("scope_fields", "")),
            "eqf_levels": _cell_list(row.get("scope_eqf_levels", "")),
        }
        try:
            records.append(AccreditationCreate.model_validate(candidate))
        except ValidationError as exc:
            for error in exc.errors():
                where = "/".join(str(part) for part in error["loc"])
                errors.append(
                    {
                        "pointer": f"/rows/{number}",
                        "row": number,
                        "field": where,
                        "detail": error["msg"],
                    }
                )
    if errors:
        problems = f"{len(errors)} problem(s) in the CSV; nothing was imported"
        raise InvalidInput(problems, errors=errors)
    return records
