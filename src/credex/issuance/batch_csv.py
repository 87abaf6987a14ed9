"""The CSV layout of a bulk issuance, one credential per row (documented in schemas/batch-csv.md).

UTF-8 with or without a BOM; `,` or `;` as delimiter (read from the header row, whose column
names contain neither); a header row is required. Row numbers count records as a spreadsheet
shows them: the header is row 1, so the first credential is row 2. Blank rows are skipped but
still counted, so a row number always matches what the user sees.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

COLUMNS = (
    "email",
    "name",
    "did",
    "external_id",
    "achievement_id",
    "grade",
    "narrative",
    "evidence_url",
    "evidence_name",
    "evidence_narrative",
    "activity_start",
    "activity_end",
    "awarded_date",
)
REQUIRED_COLUMNS = ("email",)
DATE_COLUMNS = ("activity_start", "activity_end", "awarded_date")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Where a field of an issue request came from, to name the CSV column in errors.
REQUEST_FIELD_TO_COLUMN = {
    "learner.email": "email",
    "learner.name": "name",
    "learner.did": "did",
    "learner.external_id": "external_id",
    "learner": "email",
    "achievement_id": "achievement_id",
    "result.value": "grade",
    "result": "grade",
    "narrative": "narrative",
    "evidence.0.id": "evidence_url",
    "evidence.0.name": "evidence_name",
    "evidence.0.narrative": "evidence_narrative",
    "evidence.0": "evidence_url",
    "activity_start": "activity_start",
    "activity_end": "activity_end",
    "awarded_date": "awarded_date",
}


@dataclass(frozen=True)
class CsvRecord:
    number: int  # the spreadsheet row number; the header is row 1
    cells: dict[str, str]


@dataclass
class CsvBatch:
    records: list[CsvRecord] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _header_error(column: str | None, detail: str) -> dict[str, Any]:
    return {"row": 1, "field": column, "detail": detail, "pointer": "/file"}


def _read_header(header: list[str], batch: CsvBatch) -> list[str]:
    columns: list[str] = []
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        if name not in COLUMNS:
            batch.errors.append(
                _header_error(raw, f"unknown column; expected some of: {', '.join(COLUMNS)}")
            )
            name = f"#unknown{index}"
        elif name in columns:
            batch.errors.append(_header_error(raw, "this column appears twice"))
        columns.append(name)
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            batch.errors.append(_header_error(required, "column missing"))
    return columns


def read_csv(text: str, *, max_rows: int) -> CsvBatch:
    """Split the document into header-checked records (at most `max_rows`)."""
    batch = CsvBatch()
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(records, None)
        if header is None or not any(cell.strip() for cell in header):
            batch.errors.append(_header_error(None, "empty file: a header row is required"))
            return batch
        columns = _read_header(header, batch)
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(batch.records) == max_rows:
                batch.errors.append(
                    {"row": number, "field": None, "detail": f"more than {max_rows} rows"}
                )
                break
            if len(record) > len(columns):
                batch.errors.append(
                    {
                        "row": number,
                        "field": None,
                        "detail": f"{len(record)} cells but the header has {len(columns)}",
                    }
                )
                continue
            cells = {col: cell.strip() for col, cell in zip(columns, record, strict=False)}
            batch.records.append(CsvRecord(number, cells))
    except csv.Error as exc:
        batch.errors.append({"row": records.line_num, "field": None, "detail": f"CSV: {exc}"})
    return batch


def _date(value: str) -> str:
    """A bare date means midnight UTC (credentials carry date-times)."""
    return f"{value}T00:00:00Z" if _DATE_ONLY.match(value) else value


def record_to_request(
    cells: dict[str, str], *, achievement_id: str | None, credential_format: str
) -> dict[str, Any]:
    """An issue request (unvalidated) from one row; blank cells mean "not given"."""

    def given(column: str) -> str | None:
        value = cells.get(column, "")
        return value or None

    learner = {
        key: value
        for key in ("email", "name", "did", "external_id")
        if (value := given(key)) is not None
    }
    request: dict[str, Any] = {"learner": learner, "format": credential_format}
    if chosen := given("achievement_id") or achievement_id:
        request["achievement_id"] = chosen
    if grade := given("grade"):
        request["result"] = {"value": grade}
    if narrative := given("narrative"):
        request["narrative"] = narrative
    evidence = {
        key: value
        for key, column in (
            ("id", "evidence_url"),
            ("name", "evidence_name"),
            ("narrative", "evidence_narrative"),
        )
        if (value := given(column)) is not None
    }
    if evidence:
        request["evidence"] = [evidence]
    for column in DATE_COLUMNS:
        if (value := given(column)) is not None:
            request[column] = _date(value)
    return request
