"""Rules for achievements: drafts are editable, published ones immutable, changes are versions.

Services never commit (the request's unit of work does), and validate everything before writing,
so a rejected request leaves nothing behind.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from credex.achievements import repository
from credex.achievements.compliance import ComplianceReport, check_compliance
from credex.achievements.public import achievement_spec
from credex.achievements.schemas import AchievementCreate, AchievementUpdate, NewVersionIn
from credex.achievements.validation import referenced_competencies, validate_state
from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.core.credentials.microcredential import MICRO_CREDENTIAL, build_achievement
from credex.core.errors import CoreError
from credex.db.base import utcnow
from credex.db.models import Achievement, Issuer
from credex.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from credex.issuers.repository import find_visible_issuer
from credex.pagination import paginate

# Fields a new version copies from its predecessor (everything a client can edit).
EDITABLE_FIELDS = (
    "name",
    "description",
    "criteria_narrative",
    "image",
    "achievement_type",
    "eqf_level",
    "ects_credits",
    "workload_hours",
    "learning_outcomes",
    "assessment_type",
    "participation_form",
    "quality_assurance",
    "prerequisites",
    "supervision",
    "result_descriptions",
    "stackability",
    "stacks_into",
    "further_information",
    "validity_months",
    "language",
    "version",
)
REQUIRED_FIELDS = ("name", "description", "achievement_type", "language", "version")
_LIST_FIELDS = ("learning_outcomes", "result_descriptions", "stacks_into")
# Where a missing Annex I element is fixed, for the 422 on publish.
ELEMENT_POINTERS = {
    "title": "/name",
    "issuer_country": "/issuer/country",
    "awarding_body": "/issuer/name",
    "learning_outcomes": "/learning_outcomes",
    "workload": "/ects_credits",
    "eqf_level": "/eqf_level",
    "assessment_type": "/assessment_type",
    "participation_form": "/participation_form",
    "quality_assurance": "/quality_assurance",
}
_NUMERIC_VERSION = re.compile(r"^(\d+)((?:\.\d+)*)$")


def get_achievement(
    session: Session, principal: Principal, achievement_id: uuid.UUID, *, for_update: bool = False
) -> Achievement:
    found = repository.find_visible_achievement(
        session, principal, achievement_id, for_update=for_update
    )
    if found is None:
        raise NotFound(f"no achievement {achievement_id}")
    return found


def list_achievements(
    session: Session,
    principal: Principal,
    *,
    issuer_id: uuid.UUID | None,
    status: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Achievement], str | None]:
    stmt = repository.achievements_visible_to(principal, issuer_id)
    if status is not None:
        stmt = stmt.where(Achievement.status == status)
    return paginate(
        session,
        stmt,
        created_at=Achievement.created_at,
        row_id=Achievement.id,
        limit=limit,
        cursor=cursor,
    )


def create_achievement(
    session: Session, principal: Principal, data: AchievementCreate
) -> Achievement:
    issuer = _issuer_for_create(session, principal, data.issuer_id)
    state = data.model_dump(mode="json", exclude={"issuer_id"})
    state = _stored_form(data.model_dump(exclude={"issuer_id"}), state)
    validate_state(session, state, issuer_id=issuer.id, achievement_id=None, existing=set())
    achievement = Achievement(issuer_id=issuer.id, status="draft", **state)
    session.add(achievement)
    session.flush()
    _record(session, principal, ACHIEVEMENT_CREATED, achievement, {"name": achievement.name})
    return achievement


def update_achievement(
    session: Session, principal: Principal, achievement_id: uuid.UUID, data: AchievementUpdate
) -> Achievement:
    achievement = get_achievement(session, principal, achievement_id, for_update=True)
    _require_draft(achievement, "edited")
    sent = data.model_fields_set
    nulls = [
        field_error(f"/{name}", "must not be null")
        for name in REQUIRED_FIELDS
        if name in sent and getattr(data, name) is None
    ]
    nulls += [
        field_error(f"/{name}", "must be a list (use [] to clear)")
        for name in _LIST_FIELDS
        if name in sent and getattr(data, name) is None
    ]
    if nulls:
        raise InvalidInput("required fields cannot be cleared", errors=nulls)
    changes = _stored_form(
        data.model_dump(include=sent), data.model_dump(mode="json", include=sent)
    )
    state = {name: getattr(achievement, name) for name in EDITABLE_FIELDS} | changes
    validate_state(
        session,
        state,
        issuer_id=achievement.issuer_id,
        achievement_id=achievement.id,
        existing=referenced_competencies(achievement.learning_outcomes),
    )
    changed = {
        name: [_plain(getattr(achievement, name)), _plain(value)]
        for name, value in changes.items()
        if getattr(achievement, name) != value
    }
    for name, value in changes.items():
        setattr(achievement, name, value)
    session.flush()
    if changed:
        _record(session, principal, ACHIEVEMENT_UPDATED, achievement, changed)
    return achievement


def publish_achievement(
    session: Session, principal: Principal, achievement_id: uuid.UUID, base_url: str
) -> Achievement:
    """Draft → published. A MicroCredential needs every mandatory Annex I element."""
    achievement = get_achievement(session, principal, achievement_id, for_update=True)
    _require_draft(achievement, "published")
    state = {name: getattr(achievement, name) for name in EDITABLE_FIELDS}
    validate_state(
        session,
        state,
        issuer_id=achievement.issuer_id,
        achievement_id=achievement.id,
        existing=referenced_competencies(achievement.learning_outcomes),
        publishing=True,
    )
    spec = achievement_spec(session, achievement, base_url)
    if achievement.achievement_type == MICRO_CREDENTIAL:
        report = check_compliance(spec)
        if not report.compliant:
            raise InvalidInput(
                f"a MicroCredential needs every mandatory EU element; missing: "
                f"{', '.join(report.missing)}",
                errors=[_missing_error(element) for element in report.missing],
                missing=report.missing,
            )
    try:
        build_achievement(spec)
    except CoreError as exc:
        raise InvalidInput(f"the Achievement would not be valid OB 3.0: {exc.detail}") from exc
    achievement.status = "published"
    achievement.published_at = utcnow()
    session.flush()
    _record(
        session, principal, ACHIEVEMENT_PUBLISHED, achievement, {"status": ["draft", "published"]}
    )
    return achievement


def retire_achievement(
    session: Session, principal: Principal, achievement_id: uuid.UUID
) -> Achievement:
    """Published → retired: no new credentials; the public document stays for verifiers."""
    achievement = get_achievement(session, principal, achievement_id, for_update=True)
    if achievement.status != "published":
        raise Conflict(f"only a published achievement can be retired (it is {achievement.status})")
    achievement.status = "retired"
    achievement.retired_at = utcnow()
    session.flush()
    _record(
        session, principal, ACHIEVEMENT_RETIRED, achievement, {"status": ["published", "retired"]}
    )
    return achievement


def create_new_version(
    session: Session, principal: Principal, achievement_id: uuid.UUID, data: NewVersionIn
) -> Achievement:
    """A new draft copied from a published (or retired) achievement, pointing back at it."""
    source = get_achievement(session, principal, achievement_id, for_update=True)
    if source.status == "draft":
        raise Conflict("this achievement is still a draft: edit it instead of versioning it")
    existing = repository.draft_successor(session, source.id)
    if existing is not None:
        raise Conflict(
            f"a draft of the next version already exists: {existing.id}", draft_id=str(existing.id)
        )
    version = data.version or _next_version(source.version)
    copy: dict[str, Any] = {name: getattr(source, name) for name in EDITABLE_FIELDS}
    copy["version"] = version
    copy["notify_learners"] = source.notify_learners  # a delivery setting, not part of the spec
    draft = Achievement(
        issuer_id=source.issuer_id, status="draft", previous_version_id=source.id, **copy
    )
    session.add(draft)
    session.flush()
    _record(
        session,
        principal,
        ACHIEVEMENT_VERSIONED,
        draft,
        {"previous_version": str(source.id), "version": version},
    )
    return draft


ACHIEVEMENT_CREATED = "achievement.created"
ACHIEVEMENT_UPDATED = "achievement.updated"
ACHIEVEMENT_PUBLISHED = "achievement.published"
ACHIEVEMENT_RETIRED = "achievement.retired"
ACHIEVEMENT_VERSIONED = "achievement.versioned"


def _plain(value: Any) -> Any:
    """JSON-ready for the audit log (Decimals become strings)."""
    return str(value) if isinstance(value, Decimal) else value


def _record(
    session: Session,
    principal: Principal,
    action: str,
    achievement: Achievement,
    details: dict[str, Any],
) -> None:
    audit.record(
        session,
        action=action,
        actor=actor_label(principal),
        issuer_id=achievement.issuer_id,
        object_type="achievement",
        object_id=str(achievement.id),
        details=details,
    )


def compliance_of(
    session: Session, principal: Principal, achievement_id: uuid.UUID, base_url: str
) -> ComplianceReport:
    achievement = get_achievement(session, principal, achievement_id)
    return check_compliance(achievement_spec(session, achievement, base_url))


def _issuer_for_create(
    session: Session, principal: Principal, requested: uuid.UUID | None
) -> Issuer:
    if principal.is_admin and requested is None:
        raise InvalidInput(
            "an admin must say which issuer the achievement belongs to",
            errors=[field_error("/issuer_id", "required for admin tokens")],
        )
    if not principal.is_admin and requested not in (None, principal.issuer_id):
        raise Forbidden("an issuer token creates achievements for its own issuer only")
    issuer_id = requested or principal.issuer_id
    issuer = find_visible_issuer(session, principal, issuer_id) if issuer_id else None
    if issuer is None:
        raise NotFound(f"no issuer {issuer_id}")
    return issuer


def _stored_form(python: dict[str, Any], json_ready: dict[str, Any]) -> dict[str, Any]:
    """Column values: decimals stay Decimal (Numeric columns), the rest as JSON-ready values."""
    stored = dict(json_ready)
    for name in ("ects_credits", "workload_hours"):
        if name in python:
            stored[name] = python[name]
    return stored


def _require_draft(achievement: Achievement, action: str) -> None:
    if achievement.status != "draft":
        raise Conflict(
            f"a {achievement.status} achievement cannot be {action}; "
            f"create a new version (POST /api/v1/achievements/{achievement.id}/versions)"
        )


def _missing_error(element: str) -> dict[str, Any]:
    pointer = ELEMENT_POINTERS.get(element, f"/{element}")
    if pointer.startswith("/issuer/"):
        why = f"EU element '{element}' comes from the issuer: set it on the issuer profile"
    elif element == "workload":
        why = "EU element 'workload': give ects_credits or workload_hours (> 0)"
    else:
        why = f"EU element '{element}' is required to publish a MicroCredential"
    return field_error(pointer, why)


def _next_version(version: str) -> str:
    match = _NUMERIC_VERSION.match(version)
    if match is None:
        raise InvalidInput(
            f"version {version!r} cannot be incremented automatically",
            errors=[field_error("/version", "give the new version explicitly")],
        )
    major, rest = int(match.group(1)), match.group(2)
    return str(major + 1) + re.sub(r"\d+", "0", rest)
