"""The CSV layout of a framework's competencies, one row per competency (see schemas/README.md).

Columns: `code,parent_code,title,description,language,esco_uri,eqf_level,skill_type` and optional
`skill_uri`. `title`/`description` are in the row's `language` (blank: the framework's default);
further translations go in `title@<tag>` / `description@<tag>` columns. Row numbers in errors
count CSV records as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import PydanticCustomError

from credex.frameworks.fields import canonical_language_tag

BASE_COLUMNS = (
    "code",
    "parent_code",
    "title",
    "description",
    "language",
    "esco_uri",
    "eqf_level",
    "skill_type",
)
OPTIONAL_COLUMNS = ("skill_uri",)
REQUIRED_COLUMNS = ("code", "title")
TRANSLATABLE = ("title", "description")


@dataclass(frozen=True)
class CsvRow:
    number: int  # the record's row number; the header is row 1
    cells: dict[str, str]


@dataclass
class CsvTable:
    rows: list[CsvRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _header_error(index: int, name: str, detail: str) -> dict[str, Any]:
    return {"pointer": f"/columns/{index}", "row": 1, "field": name, "detail": detail}


def _check_column(index: int, name: str) -> str | dict[str, Any]:
    """The canonical column name, or an error naming the column."""
    if name in BASE_COLUMNS or name in OPTIONAL_COLUMNS:
        return name
    base, at, tag = name.partition("@")
    if at and base in TRANSLATABLE:
        try:
            return f"{base}@{canonical_language_tag(tag)}"
        except PydanticCustomError as exc:
            return _header_error(index, name, exc.message())
    expected = ", ".join([*BASE_COLUMNS, *OPTIONAL_COLUMNS, "title@<lang>", "description@<lang>"])
    return _header_error(index, name, f"unknown column; expected some of: {expected}")


def _read_header(header: list[str], table: CsvTable) -> list[str]:
    columns: list[str] = []
    for index, raw in enumerate(header):
        checked = _check_column(index, raw.strip().lower())
        if isinstance(checked, dict):
            table.errors.append(checked)
            checked = f"#invalid{index}"
        elif checked in columns:
            table.errors.append(_header_error(index, raw, "this column appears twice"))
        columns.append(checked)
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            table.errors.append(
                {"pointer": "/columns", "row": 1, "field": required, "detail": "column missing"}
            )
    return columns


def read_table(text: str) -> CsvTable:
    """Split a CSV document into header-checked rows; blank records are skipped but counted."""
    table = CsvTable()
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(records, None)
        if header is None:
            table.errors.append({"pointer": "/", "row": 1, "field": None, "detail": "empty file"})
            return table
        columns = _read_header(header, table)
        for number, record in enumerate(records, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                table.errors.append(
                    {
                        "pointer": f"/competencies/{len(table.rows)}",
                        "row": number,
                        "field": None,
                        "detail": f"{len(record)} cells but the header has {len(columns)} columns",
                    }
                )
            table.rows.append(CsvRow(number, dict(zip(columns, record, strict=False))))
    except csv.Error as exc:
        row = records.line_num
        table.errors.append({"pointer": "/", "row": row, "field": None, "detail": f"CSV: {exc}"})
    return table


def write_table(header: list[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
