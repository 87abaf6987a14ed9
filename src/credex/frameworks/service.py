"""Framework rules: create, edit while draft, publish, retire, start a new version, delete.

Lifecycle draft → published → retired, never back: a published version is what credentials align
to, so it must not change under them. Changes go into a new draft version that points at its
predecessor. Services never commit; the request's unit of work does.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import Competency, Framework
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.frameworks import repository
from credex.frameworks.schemas import FrameworkCreate, FrameworkUpdate, NewVersionCreate
from credex.frameworks.trail import record_framework_change
from credex.frameworks.tree import depth_first
from credex.pagination import paginate


def framework_search_text(title: dict[str, str], publisher: str | None) -> str:
    return "\n".join([*title.values(), publisher or ""]).lower()


def competency_search_text(code: str, title: dict[str, str]) -> str:
    return "\n".join([code, *title.values()]).lower()


def check_default_language(
    default_language: str, title: dict[str, str], description: dict[str, str], *, prefix: str = ""
) -> list[dict[str, Any]]:
    """A language map must say things at least in the framework's default language."""
    errors = []
    if default_language not in title:
        errors.append(field_error(f"{prefix}/title", f"needs a {default_language!r} entry"))
    if description and default_language not in description:
        errors.append(field_error(f"{prefix}/description", f"needs a {default_language!r} entry"))
    return errors


def new_framework(data: FrameworkCreate) -> Framework:
    """A draft framework row (not yet added), after the cross-field checks."""
    errors = check_default_language(data.default_language, data.title, data.description)
    if errors:
        raise InvalidInput("the framework needs text in its default language", errors=errors)
    return Framework(
        title=data.title,
        description=data.description,
        default_language=data.default_language,
        version=data.version,
        publisher=data.publisher,
        source_url=data.source_url,
        license=data.license,
        status="draft",
        search_text=framework_search_text(data.title, data.publisher),
    )


def create_framework(
    session: Session, data: FrameworkCreate, *, actor: str | None = None
) -> Framework:
    framework = new_framework(data)
    session.add(framework)
    session.flush()
    record_framework_change(
        session, "framework.created", actor, framework.id, {"title": framework.title}
    )
    return framework


def list_frameworks(
    session: Session,
    *,
    q: str | None,
    status: str | None,
    limit: int,
    cursor: str | None,
    public: bool = False,
) -> tuple[Sequence[Framework], str | None]:
    stmt = repository.public_frameworks() if public else repository.frameworks()
    if status:
        stmt = stmt.where(Framework.status == status)
    stmt = repository.matching(stmt, Framework.search_text, q)
    return paginate(
        session,
        stmt,
        created_at=Framework.created_at,
        row_id=Framework.id,
        limit=limit,
        cursor=cursor,
    )


def get_framework(session: Session, framework_id: uuid.UUID, *, public: bool = False) -> Framework:
    """Any framework for token holders; published or retired ones only for the public."""
    framework = repository.find_framework(session, framework_id, public=public)
    if framework is None:
        raise NotFound("no such framework")
    return framework


def locked_framework(session: Session, framework_id: uuid.UUID) -> Framework:
    framework = repository.find_framework(session, framework_id, for_update=True)
    if framework is None:
        raise NotFound("no such framework")
    return framework


def editable_framework(session: Session, framework_id: uuid.UUID) -> Framework:
    """The framework, locked, if it is still a draft; published versions are immutable."""
    framework = locked_framework(session, framework_id)
    if framework.status != "draft":
        raise Conflict(
            f"the framework is {framework.status}; start a new version to change it",
            framework_status=framework.status,
        )
    return framework


def update_framework(
    session: Session, framework_id: uuid.UUID, data: FrameworkUpdate, *, actor: str | None = None
) -> Framework:
    framework = editable_framework(session, framework_id)
    changes = data.model_dump(exclude_unset=True)
    title = changes.get("title", framework.title)
    description = changes.get("description", framework.description)
    language = changes.get("default_language", framework.default_language)
    errors = check_default_language(language, title, description)
    if language != framework.default_language:
        errors += _competencies_missing_language(session, framework.id, language)
    if errors:
        raise InvalidInput(
            "the change would leave text without the default language", errors=errors
        )
    for name, value in changes.items():
        setattr(framework, name, value)
    framework.search_text = framework_search_text(framework.title, framework.publisher)
    session.flush()
    record_framework_change(
        session,
        "framework.updated",
        actor,
        framework.id,
        data.model_dump(mode="json", exclude_unset=True),
    )
    return framework


def _competencies_missing_language(
    session: Session, framework_id: uuid.UUID, language: str
) -> list[dict[str, Any]]:
    missing = [
        c.code
        for c in repository.all_competencies(session, framework_id)
        if language not in c.title
    ]
    if not missing:
        return []
    sample = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
    detail = f"{len(missing)} competencies have no {language!r} title: {sample}"
    return [field_error("/default_language", detail)]


def delete_framework(
    session: Session, framework_id: uuid.UUID, *, actor: str | None = None
) -> None:
    framework = locked_framework(session, framework_id)
    if framework.status != "draft":
        raise Conflict(f"a {framework.status} framework cannot be deleted; retire it instead")
    repository.delete_framework_rows(session, framework)
    session.flush()
    record_framework_change(session, "framework.deleted", actor, framework_id, None)


def publish_framework(
    session: Session, framework_id: uuid.UUID, *, actor: str | None = None
) -> Framework:
    framework = editable_framework(session, framework_id)
    if repository.count_competencies(session, framework.id) == 0:
        raise InvalidInput(
            "a framework needs at least one competency to be published",
            errors=[field_error("/competencies", "add at least one competency first")],
        )
    framework.status = "published"
    framework.published_at = utcnow()
    session.flush()
    record_framework_change(
        session, "framework.published", actor, framework.id, {"status": ["draft", "published"]}
    )
    return framework


def retire_framework(
    session: Session, framework_id: uuid.UUID, *, actor: str | None = None
) -> Framework:
    framework = locked_framework(session, framework_id)
    if framework.status != "published":
        raise Conflict(f"only published frameworks can be retired; this one is {framework.status}")
    framework.status = "retired"
    framework.retired_at = utcnow()
    session.flush()
    record_framework_change(
        session, "framework.retired", actor, framework.id, {"status": ["published", "retired"]}
    )
    return framework


def bump_version(version: str) -> str:
    """1.0 → 1.1, 2 → 3, 2024-r7 → 2024-r8; a label without a trailing number gets `.1`."""
    match = re.search(r"(\d+)(?!.*\d)", version)
    if match is None:
        return f"{version}.1"
    number = str(int(match.group(1)) + 1).zfill(len(match.group(1)))
    return version[: match.start()] + number + version[match.end() :]


def start_new_version(
    session: Session, framework_id: uuid.UUID, data: NewVersionCreate, *, actor: str | None = None
) -> Framework:
    """A draft copy of a published or retired version, with every competency and the hierarchy."""
    source = locked_framework(session, framework_id)
    if source.status == "draft":
        raise Conflict("a draft cannot be versioned; edit it directly or publish it first")
    if repository.draft_successor(session, source.id) is not None:
        raise Conflict("a draft successor of this version already exists; edit that one")
    version = data.version or bump_version(source.version)
    if version == source.version:
        raise InvalidInput(
            "the new version needs a new label",
            errors=[field_error("/version", f"must differ from {source.version!r}")],
        )
    successor = Framework(
        title=dict(source.title),
        description=dict(source.description),
        default_language=source.default_language,
        version=version,
        publisher=source.publisher,
        source_url=source.source_url,
        license=source.license,
        status="draft",
        previous_version_id=source.id,
        search_text=source.search_text,
    )
    session.add(successor)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent request created the draft first
        raise Conflict("a draft successor of this version already exists") from exc
    _copy_competencies(session, source.id, successor.id)
    record_framework_change(
        session, "framework.versioned", actor, successor.id, {"previous_version": str(framework_id)}
    )
    return successor


def _copy_competencies(session: Session, source_id: uuid.UUID, target_id: uuid.UUID) -> None:
    rows = {c.id: c for c in repository.all_competencies(session, source_id)}
    new_ids = {old: uuid.uuid4() for old in rows}
    order = depth_first(
        {i: c.parent_id for i, c in rows.items()}, lambda i: (rows[i].position, rows[i].code)
    )
    repository.insert_competencies(
        session,
        [
            copied_competency_row(rows[old], new_ids[old], target_id, new_ids)
            for old, _depth in order
        ],
    )


def copied_competency_row(
    source: Competency,
    new_id: uuid.UUID,
    framework_id: uuid.UUID,
    new_ids: dict[uuid.UUID, uuid.UUID],
) -> dict[str, Any]:
    return {
        "id": new_id,
        "framework_id": framework_id,
        "code": source.code,
        "title": dict(source.title),
        "description": dict(source.description),
        "parent_id": new_ids[source.parent_id] if source.parent_id else None,
        "esco_uri": source.esco_uri,
        "skill_uri": source.skill_uri,
        "eqf_level": source.eqf_level,
        "skill_type": source.skill_type,
        "position": source.position,
        "search_text": source.search_text,
    }
