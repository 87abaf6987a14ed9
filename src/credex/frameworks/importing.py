"""Bulk import of a framework with its competencies, from JSON or CSV, all or nothing.

Everything is validated before anything is written, and every problem is reported at once with
its row and field, so a 500-row spreadsheet needs one round of fixes, not 500.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session

from credex.db.models import Framework
from credex.errors import InvalidInput
from credex.frameworks import repository
from credex.frameworks.csv_format import read_table
from credex.frameworks.fields import (
    CompetencyCode,
    DescriptionMap,
    TitleMap,
    canonical_language_tag,
    description_map,
    title_map,
)
from credex.frameworks.schemas import (
    FrameworkCreate,
    OptionalEqfLevel,
    OptionalEscoUri,
    OptionalSkillType,
    OptionalSkillUri,
)
from credex.frameworks.service import (
    check_default_language,
    competency_search_text,
    new_framework,
)
from credex.frameworks.tree import depth_first, nodes_in_cycles

FORMAT_ID = "credex-framework-1"
MAX_COMPETENCIES = 10_000
MAX_REPORTED_ERRORS = 200


class CompetencyImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: CompetencyCode
    parent_code: CompetencyCode | None = None
    title: TitleMap
    description: DescriptionMap = Field(default_factory=dict)
    esco_uri: OptionalEscoUri = None
    skill_uri: OptionalSkillUri = None
    eqf_level: OptionalEqfLevel = None
    skill_type: OptionalSkillType = None


class FrameworkImport(FrameworkCreate):
    """The framework part of the JSON format; export-only fields are accepted and ignored."""

    format_id: Literal["credex-framework-1"] | None = Field(default=None, alias="format")
    id: Any = None
    status: Any = None
    previous_version_id: Any = None
    published_at: Any = None
    retired_at: Any = None


@dataclass(frozen=True)
class ImportResult:
    framework: Framework
    competency_count: int


@dataclass(frozen=True)
class _Item:
    index: int
    row: int  # the CSV row number, or the 1-based position in the JSON list
    raw: Mapping[str, Any]


def _entry(pointer: str, row: int | None, field: str | None, detail: str) -> dict[str, Any]:
    return {"pointer": pointer, "row": row, "field": field, "detail": detail}


def _pydantic_errors(exc: ValidationError, prefix: str, row: int | None) -> list[dict[str, Any]]:
    found = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        pointer = "/".join([prefix, *loc]) if loc else prefix or "/"
        found.append(_entry(pointer, row, loc[0] if loc else None, error["msg"]))
    return found


def _validate_items(
    items: list[_Item], default_language: str | None
) -> tuple[list[tuple[_Item, CompetencyImport]], list[dict[str, Any]]]:
    """Each item alone, then the rules across items: codes, parents, cycles, languages."""
    errors: list[dict[str, Any]] = []
    valid: list[tuple[_Item, CompetencyImport]] = []
    # A broken row still counts as a parent, so one mistake is not reported twice.
    known_codes = {i.raw["code"].strip() for i in items if isinstance(i.raw.get("code"), str)}
    for item in items:
        try:
            valid.append((item, CompetencyImport.model_validate(item.raw)))
        except ValidationError as exc:
            errors += _pydantic_errors(exc, f"/competencies/{item.index}", item.row)
            parent = item.raw.get("parent_code")
            if isinstance(parent, str) and parent.strip() and parent.strip() not in known_codes:
                detail = f"no competency with code {parent.strip()!r} in this import"
                pointer = f"/competencies/{item.index}/parent_code"
                errors.append(_entry(pointer, item.row, "parent_code", detail))
    first_row: dict[str, int] = {}
    parent_of: dict[str, str | None] = {}
    where: dict[str, _Item] = {}
    for item, competency in valid:
        at = f"/competencies/{item.index}"
        if competency.code in first_row:
            detail = (
                f"duplicate code {competency.code!r} (first in row {first_row[competency.code]})"
            )
            errors.append(_entry(f"{at}/code", item.row, "code", detail))
            continue
        first_row[competency.code] = item.row
        parent_of[competency.code] = competency.parent_code
        where[competency.code] = item
        if competency.parent_code and competency.parent_code not in known_codes:
            detail = f"no competency with code {competency.parent_code!r} in this import"
            errors.append(_entry(f"{at}/parent_code", item.row, "parent_code", detail))
        if competency.esco_uri and competency.skill_uri:
            detail = "give esco_uri or skill_uri, not both"
            errors.append(_entry(f"{at}/skill_uri", item.row, "skill_uri", detail))
        if default_language and default_language not in competency.title:
            detail = f"needs a {default_language!r} title (the framework's default language)"
            errors.append(_entry(f"{at}/title", item.row, "title", detail))
        if (
            default_language
            and competency.description
            and default_language not in competency.description
        ):
            detail = f"needs a {default_language!r} description, or none"
            errors.append(_entry(f"{at}/description", item.row, "description", detail))
    for code in sorted(nodes_in_cycles(parent_of), key=lambda c: where[c].index):
        item = where[code]
        detail = f"the parent chain of {code!r} loops back to itself"
        errors.append(
            _entry(f"/competencies/{item.index}/parent_code", item.row, "parent_code", detail)
        )
    return valid, errors


def _count_errors(items: list[Any]) -> list[dict[str, Any]]:
    if not items:
        return [_entry("/competencies", None, "competencies", "an import needs a competency")]
    if len(items) > MAX_COMPETENCIES:
        detail = f"{len(items)} competencies; at most {MAX_COMPETENCIES} per import"
        return [_entry("/competencies", None, "competencies", detail)]
    return []


def _raise_if_any(errors: list[dict[str, Any]]) -> None:
    if not errors:
        return
    shown = errors[:MAX_REPORTED_ERRORS]
    more = len(errors) - len(shown)
    detail = f"{len(errors)} problem(s); nothing was imported" + (
        f" ({more} more not listed)" if more else ""
    )
    raise InvalidInput(detail, errors=shown)


def import_json(session: Session, document: Any) -> ImportResult:
    if not isinstance(document, dict):
        raise InvalidInput(
            "expected a JSON object", errors=[_entry("/", None, None, "must be a JSON object")]
        )
    errors: list[dict[str, Any]] = []
    framework: FrameworkImport | None = None
    fields = {k: v for k, v in document.items() if k != "competencies"}
    try:
        framework = FrameworkImport.model_validate(fields)
    except ValidationError as exc:
        errors += _pydantic_errors(exc, "", None)
    raw_items = document.get("competencies")
    if not isinstance(raw_items, list):
        errors.append(_entry("/competencies", None, "competencies", "must be a list"))
        raw_items = []
    items = [_Item(i, i + 1, raw) for i, raw in enumerate(raw_items) if isinstance(raw, dict)]
    errors += [
        _entry(f"/competencies/{i}", i + 1, None, "must be an object")
        for i, raw in enumerate(raw_items)
        if not isinstance(raw, dict)
    ]
    errors += _count_errors(raw_items)
    return _finish(session, framework, fields, items[: MAX_COMPETENCIES + 1], errors)


def import_csv(session: Session, text: str, metadata: dict[str, Any]) -> ImportResult:
    """`metadata`: the form fields (title, description in `default_language`, version, …)."""
    errors: list[dict[str, Any]] = []
    framework: FrameworkCreate | None = None
    try:
        language = canonical_language_tag(str(metadata.get("default_language") or ""))
    except PydanticCustomError:
        language = "und"  # the model below reports the bad tag; keep the titles checkable
    fields = dict(metadata)
    for name in ("title", "description"):
        text_value = str(fields.get(name) or "").strip()
        fields[name] = {language: text_value} if text_value else {}
    try:
        framework = FrameworkCreate.model_validate(fields)
    except ValidationError as exc:
        errors += _pydantic_errors(exc, "", None)
    table = read_table(text)
    if table.errors:  # with a broken header, every row would repeat the same complaint
        _raise_if_any(errors + table.errors)
    items = [
        _Item(index, row.number, _csv_cells_to_item(row.cells, language, errors, index, row.number))
        for index, row in enumerate(table.rows[: MAX_COMPETENCIES + 1])
    ]
    errors += _count_errors(table.rows)
    return _finish(session, framework, fields, items, errors)


def _csv_cells_to_item(
    cells: dict[str, str], default_language: str, errors: list[dict[str, Any]], index: int, row: int
) -> dict[str, Any]:
    raw_language = cells.get("language", "").strip()
    language = default_language
    if raw_language:
        try:
            language = canonical_language_tag(raw_language)
        except PydanticCustomError as exc:
            errors.append(_entry(f"/competencies/{index}/language", row, "language", exc.message()))
    item: dict[str, Any] = {
        "code": cells.get("code", ""),
        "title": {},
        "description": {},
    }
    for name in ("parent_code", "esco_uri", "skill_uri", "eqf_level", "skill_type"):
        value = cells.get(name, "").strip()
        item[name] = value or None
    for column, value in cells.items():
        base, at, tag = column.partition("@")
        if base in ("title", "description") and value.strip():
            item[base][tag if at else language] = value
    return item


def _valid_or_none(check: Callable[[Any], Any], value: Any) -> Any:
    try:
        return check(value)
    except PydanticCustomError:
        return None  # reported by the framework model already


def _finish(
    session: Session,
    framework_data: FrameworkCreate | None,
    fields: dict[str, Any],
    items: list[_Item],
    errors: list[dict[str, Any]],
) -> ImportResult:
    """Cross-checks run on whatever parsed, even when other framework fields are broken."""
    language = _valid_or_none(canonical_language_tag, str(fields.get("default_language") or ""))
    title = _valid_or_none(title_map, fields.get("title"))
    description = _valid_or_none(description_map, fields.get("description"))
    valid, item_errors = _validate_items(items, language)
    errors = errors + item_errors
    if language and title is not None and description is not None:
        errors += [
            _entry(e["pointer"], None, e["pointer"][1:], e["detail"])
            for e in check_default_language(language, title, description)
        ]
    _raise_if_any(errors)
    assert framework_data is not None
    framework = new_framework(framework_data)
    session.add(framework)
    session.flush()
    _insert(session, framework.id, [competency for _item, competency in valid])
    return ImportResult(framework=framework, competency_count=len(valid))


def _insert(
    session: Session, framework_id: uuid.UUID, competencies: list[CompetencyImport]
) -> None:
    by_code = {c.code: c for c in competencies}
    ids = {code: uuid.uuid4() for code in by_code}
    position = {code: n for n, code in enumerate(by_code)}
    parent_of = {c.code: c.parent_code for c in competencies}
    rows = []
    for code, _depth in depth_first(parent_of, position.__getitem__):
        c = by_code[code]
        rows.append(
            {
                "id": ids[code],
                "framework_id": framework_id,
                "code": code,
                "title": c.title,
                "description": c.description,
                "parent_id": ids[c.parent_code] if c.parent_code else None,
                "esco_uri": c.esco_uri,
                "skill_uri": c.skill_uri,
                "eqf_level": c.eqf_level,
                "skill_type": c.skill_type,
                "position": position[code],
                "search_text": competency_search_text(code, c.title),
            }
        )
    repository.insert_competencies(session, rows)
