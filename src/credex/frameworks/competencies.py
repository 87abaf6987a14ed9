"""Competency rules: codes unique per framework version, parents in the same framework, no cycles,
at most one skill URI, titles in the framework's default language, edits only while draft.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credex.db.models import Competency, Framework
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.frameworks import repository
from credex.frameworks.schemas import CompetencyCreate, CompetencyUpdate
from credex.frameworks.service import (
    check_default_language,
    competency_search_text,
    editable_framework,
    get_framework,
)
from credex.frameworks.trail import record_framework_change
from credex.frameworks.tree import depth_first, descendants, would_create_cycle
from credex.pagination import paginate


@dataclass(frozen=True)
class TreeEntry:
    competency: Competency
    depth: int
    has_children: bool


@dataclass(frozen=True)
class FrameworkTree:
    """A framework with its competencies in display order (parents first, siblings by position)."""

    framework: Framework
    entries: list[TreeEntry]

    def children(self) -> dict[uuid.UUID | None, list[Competency]]:
        """Parent id (None for the top level) → its children, in display order."""
        found: dict[uuid.UUID | None, list[Competency]] = {}
        for entry in self.entries:
            found.setdefault(entry.competency.parent_id, []).append(entry.competency)
        return found


def one_skill_uri_errors(esco_uri: str | None, skill_uri: str | None) -> list[dict[str, Any]]:
    if esco_uri and skill_uri:
        return [field_error("/skill_uri", "give esco_uri or skill_uri, not both")]
    return []


def _ensure_code_free(
    session: Session, framework_id: uuid.UUID, code: str, *, except_id: uuid.UUID | None = None
) -> None:
    holder = repository.find_competency_by_code(session, framework_id, code)
    if holder is not None and holder.id != except_id:
        raise Conflict(
            f"code {code!r} is already used in this framework",
            errors=[field_error("/code", "already used in this framework")],
        )


def _flush(session: Session, code: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent request took the code first
        raise Conflict(f"code {code!r} is already used in this framework") from exc


def add_competency(
    session: Session, framework_id: uuid.UUID, data: CompetencyCreate, *, actor: str | None = None
) -> Competency:
    framework = editable_framework(session, framework_id)
    errors = check_default_language(framework.default_language, data.title, data.description)
    errors += one_skill_uri_errors(data.esco_uri, data.skill_uri)
    if data.parent and repository.find_competency(session, framework.id, data.parent) is None:
        errors.append(field_error("/parent", "no competency with this id in this framework"))
    if errors:
        raise InvalidInput("the competency is not valid", errors=errors)
    _ensure_code_free(session, framework.id, data.code)
    position = data.position
    competency = Competency(
        framework_id=framework.id,
        code=data.code,
        title=data.title,
        description=data.description,
        parent_id=data.parent,
        esco_uri=data.esco_uri,
        skill_uri=data.skill_uri,
        eqf_level=data.eqf_level,
        skill_type=data.skill_type,
        position=repository.next_position(session, framework.id) if position is None else position,
        search_text=competency_search_text(data.code, data.title),
    )
    session.add(competency)
    _flush(session, data.code)
    record_framework_change(
        session, "framework.competency_added", actor, framework_id, {"code": competency.code}
    )
    return competency


def get_competency(
    session: Session, framework_id: uuid.UUID, competency_id: uuid.UUID
) -> Competency:
    competency = repository.find_competency(session, framework_id, competency_id)
    if competency is None:
        raise NotFound("no such competency in this framework")
    return competency


def list_competencies(
    session: Session, framework_id: uuid.UUID, *, q: str | None, limit: int, cursor: str | None
) -> tuple[Sequence[Competency], str | None]:
    get_framework(session, framework_id)
    stmt = repository.matching(repository.competencies_of(framework_id), Competency.search_text, q)
    return paginate(
        session,
        stmt,
        created_at=Competency.created_at,
        row_id=Competency.id,
        limit=limit,
        cursor=cursor,
    )


def update_competency(
    session: Session,
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
    data: CompetencyUpdate,
    *,
    actor: str | None = None,
) -> Competency:
    framework = editable_framework(session, framework_id)
    competency = get_competency(session, framework.id, competency_id)
    changes = data.model_dump(exclude_unset=True)
    title = changes.get("title", competency.title)
    description = changes.get("description", competency.description)
    errors = check_default_language(framework.default_language, title, description)
    errors += one_skill_uri_errors(
        changes.get("esco_uri", competency.esco_uri), changes.get("skill_uri", competency.skill_uri)
    )
    if "parent" in changes:
        errors += _parent_errors(session, framework.id, competency.id, changes["parent"])
    if errors:
        raise InvalidInput("the change is not valid", errors=errors)
    if "code" in changes:
        _ensure_code_free(session, framework.id, changes["code"], except_id=competency.id)
    for name, value in changes.items():
        setattr(competency, "parent_id" if name == "parent" else name, value)
    competency.search_text = competency_search_text(competency.code, competency.title)
    _flush(session, competency.code)
    record_framework_change(
        session,
        "framework.competency_updated",
        actor,
        framework_id,
        {"code": competency.code, **data.model_dump(mode="json", exclude_unset=True)},
    )
    return competency


def _parent_errors(
    session: Session, framework_id: uuid.UUID, competency_id: uuid.UUID, parent: uuid.UUID | None
) -> list[dict[str, Any]]:
    if parent is None:
        return []
    parents = repository.parent_map(session, framework_id)
    if parent not in parents:
        return [field_error("/parent", "no competency with this id in this framework")]
    if would_create_cycle(parents, competency_id, parent):
        return [field_error("/parent", "would make the competency its own ancestor")]
    return []


def delete_competency(
    session: Session,
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
    *,
    cascade: bool,
    actor: str | None = None,
) -> int:
    """Delete one competency, and with `cascade` everything below it; returns how many."""
    framework = editable_framework(session, framework_id)
    competency = get_competency(session, framework.id, competency_id)
    below = descendants(repository.parent_map(session, framework.id), competency.id)
    if below and not cascade:
        raise Conflict(
            f"the competency has {len(below)} sub-competencies; delete with cascade=true",
            children=len(below),
        )
    repository.delete_competencies(session, framework.id, [*reversed(below), competency.id])
    record_framework_change(
        session,
        "framework.competency_deleted",
        actor,
        framework_id,
        {"competency_id": str(competency_id)},
    )
    return 1 + len(below)


def framework_tree(session: Session, framework_id: uuid.UUID, *, public: bool) -> FrameworkTree:
    framework = get_framework(session, framework_id, public=public)
    rows = {c.id: c for c in repository.all_competencies(session, framework.id)}
    parent_of = {i: c.parent_id for i, c in rows.items()}
    with_children = {p for p in parent_of.values() if p is not None}
    order = depth_first(parent_of, lambda i: (rows[i].position, rows[i].code))
    entries = [TreeEntry(rows[i], depth, i in with_children) for i, depth in order]
    return FrameworkTree(framework=framework, entries=entries)


def find_competencies(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Competency]:
    """For other modules: competencies by id, each with `.framework` loaded (status, title…)."""
    return repository.competencies_by_ids(session, ids)
