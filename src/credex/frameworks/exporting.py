"""Export a framework as JSON (schemas/framework.schema.json) or CSV; both import back unchanged.

Competencies come out parents first, siblings in their order, so the position survives the trip.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from credex.db.models import Competency
from credex.frameworks.competencies import FrameworkTree, framework_tree
from credex.frameworks.csv_format import BASE_COLUMNS, OPTIONAL_COLUMNS, write_table
from credex.frameworks.importing import FORMAT_ID

ExportFormat = Literal["json", "csv"]


@dataclass(frozen=True)
class Export:
    filename: str
    media_type: str
    content: dict[str, Any] | str


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _codes(tree: FrameworkTree) -> dict[uuid.UUID, str]:
    return {entry.competency.id: entry.competency.code for entry in tree.entries}


def _competency_json(competency: Competency, codes: dict[uuid.UUID, str]) -> dict[str, Any]:
    return {
        "code": competency.code,
        "parent_code": codes[competency.parent_id] if competency.parent_id else None,
        "title": competency.title,
        "description": competency.description,
        "esco_uri": competency.esco_uri,
        "skill_uri": competency.skill_uri,
        "eqf_level": competency.eqf_level,
        "skill_type": competency.skill_type,
    }


def framework_document(tree: FrameworkTree) -> dict[str, Any]:
    framework = tree.framework
    codes = _codes(tree)
    return {
        "format": FORMAT_ID,
        "id": str(framework.id),
        "status": framework.status,
        "previous_version_id": str(framework.previous_version_id)
        if framework.previous_version_id
        else None,
        "published_at": _iso(framework.published_at),
        "retired_at": _iso(framework.retired_at),
        "title": framework.title,
        "description": framework.description,
        "default_language": framework.default_language,
        "version": framework.version,
        "publisher": framework.publisher,
        "source_url": framework.source_url,
        "license": framework.license,
        "competencies": [_competency_json(e.competency, codes) for e in tree.entries],
    }


def framework_csv(tree: FrameworkTree) -> str:
    language = tree.framework.default_language
    codes = _codes(tree)
    competencies = [entry.competency for entry in tree.entries]
    translated = [
        f"{field}@{tag}"
        for field in ("title", "description")
        for tag in sorted({t for c in competencies for t in getattr(c, field)} - {language})
    ]
    header = [*BASE_COLUMNS, *OPTIONAL_COLUMNS, *translated]
    rows = []
    for c in competencies:
        cells = {
            "code": c.code,
            "parent_code": codes[c.parent_id] if c.parent_id else "",
            "title": c.title.get(language, ""),
            "description": c.description.get(language, ""),
            "language": language,
            "esco_uri": c.esco_uri or "",
            "eqf_level": str(c.eqf_level) if c.eqf_level else "",
            "skill_type": c.skill_type or "",
            "skill_uri": c.skill_uri or "",
        }
        for column in translated:
            field, _, tag = column.partition("@")
            cells[column] = getattr(c, field).get(tag, "")
        rows.append([cells[name] for name in header])
    return write_table(header, rows)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60] or "framework"


def export_framework(session: Session, framework_id: uuid.UUID, fmt: ExportFormat) -> Export:
    tree = framework_tree(session, framework_id, public=False)
    framework = tree.framework
    stem = f"{_slug(framework.title[framework.default_language])}-{_slug(framework.version)}"
    if fmt == "csv":
        return Export(f"{stem}.csv", "text/csv; charset=utf-8", framework_csv(tree))
    return Export(f"{stem}.json", "application/json", framework_document(tree))
