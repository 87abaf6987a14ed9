"""Rules that span fields or need the database, checked on the whole (merged) state.

The state is in stored form (language maps, ids as strings), so create, PATCH (current values
merged with the change) and publish all run the same checks. All problems are reported in one
422, each with the pointer of the field to fix.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from credex.achievements import repository
from credex.db.models import Achievement
from credex.errors import InvalidInput, NotFound, field_error
from credex.recognition.nqf import find_level, normalise_country

_LANGUAGE_MAPS = (
    "name",
    "description",
    "criteria_narrative",
    "prerequisites",
    "further_information",
)
_MAX_STACK_DEPTH = 50


def validate_state(
    session: Session,
    state: dict[str, Any],
    *,
    issuer_id: uuid.UUID,
    achievement_id: uuid.UUID | None,
    existing: set[str],
    publishing: bool = False,
) -> None:
    """Every rule that spans fields or needs the database; one 422 listing all problems.

    `existing`: competency ids the achievement already referenced. Those may sit in a retired
    framework (they stay valid); new references need a published framework.
    """
    errors = _language_errors(state)
    errors += _competency_errors(session, state["learning_outcomes"], existing)
    errors += _stacking_errors(session, state, issuer_id, achievement_id, publishing)
    errors += _nqf_errors(session, state)
    if errors:
        raise InvalidInput(f"{len(errors)} field(s) are invalid", errors=errors)


def referenced_competencies(learning_outcomes: Iterable[dict[str, Any]]) -> set[str]:
    return {cid for outcome in learning_outcomes for cid in outcome.get("competency_ids", [])}


def _language_errors(state: dict[str, Any]) -> list[dict[str, Any]]:
    language = state["language"]
    why = f"must include the default language {language!r} (set `language` to change it)"
    errors = [
        field_error(f"/{name}", why)
        for name in _LANGUAGE_MAPS
        if state.get(name) is not None and language not in state[name]
    ]
    errors += [
        field_error(f"/learning_outcomes/{index}/description", why)
        for index, outcome in enumerate(state["learning_outcomes"])
        if language not in outcome["description"]
    ]
    return errors


def _competency_errors(
    session: Session, learning_outcomes: list[dict[str, Any]], existing: set[str]
) -> list[dict[str, Any]]:
    wanted = {uuid.UUID(cid) for cid in referenced_competencies(learning_outcomes)}
    found = repository.competencies_with_frameworks(session, wanted)
    errors = []
    for index, outcome in enumerate(learning_outcomes):
        seen: set[str] = set()
        for position, cid in enumerate(outcome["competency_ids"]):
            pointer = f"/learning_outcomes/{index}/competency_ids/{position}"
            match = found.get(uuid.UUID(cid))
            if cid in seen:
                errors.append(field_error(pointer, "listed twice"))
            elif match is None:
                errors.append(field_error(pointer, f"no competency {cid}"))
            elif not _referenceable(match[1].status, cid in existing):
                errors.append(
                    field_error(
                        pointer,
                        f"competency {match[0].code!r} belongs to a {match[1].status} framework; "
                        "only competencies of published frameworks can be aligned to",
                    )
                )
            seen.add(cid)
        if len(set(outcome["esco_uris"])) != len(outcome["esco_uris"]):
            errors.append(field_error(f"/learning_outcomes/{index}/esco_uris", "duplicate URI"))
    return errors


def _referenceable(framework_status: str, already_referenced: bool) -> bool:
    return framework_status == "published" or (framework_status == "retired" and already_referenced)


def _stacking_errors(
    session: Session,
    state: dict[str, Any],
    issuer_id: uuid.UUID,
    achievement_id: uuid.UUID | None,
    publishing: bool,
) -> list[dict[str, Any]]:
    targets: list[str] = state["stacks_into"]
    if not targets:
        return []
    if state.get("stackability") != "stackable":
        why = "only a stackable achievement stacks into others: set stackability to 'stackable'"
        return [field_error("/stacks_into", why)]
    found = repository.achievements_of_issuer(session, issuer_id, {uuid.UUID(t) for t in targets})
    errors = []
    for position, target in enumerate(targets):
        pointer = f"/stacks_into/{position}"
        row = found.get(uuid.UUID(target))
        if targets.index(target) != position:
            errors.append(field_error(pointer, "listed twice"))
        elif achievement_id is not None and row is not None and row.id == achievement_id:
            errors.append(field_error(pointer, "an achievement cannot stack into itself"))
        elif row is None:
            errors.append(field_error(pointer, f"no achievement {target} of this issuer"))
        elif publishing and row.status == "draft":
            errors.append(field_error(pointer, "publish the achievement it stacks into first"))
        elif achievement_id is not None and _stacks_into(session, issuer_id, row, achievement_id):
            errors.append(field_error(pointer, "would make a cycle: that one stacks into this"))
    return errors


def _stacks_into(
    session: Session, issuer_id: uuid.UUID, start: Achievement, target: uuid.UUID
) -> bool:
    """Whether `start` reaches `target` by following stacks_into (bounded breadth-first)."""
    frontier, seen = [start], {start.id}
    for _ in range(_MAX_STACK_DEPTH):
        next_ids = {uuid.UUID(t) for row in frontier for t in row.stacks_into} - seen
        if target in next_ids:
            return True
        if not next_ids:
            return False
        seen |= next_ids
        frontier = list(repository.achievements_of_issuer(session, issuer_id, next_ids).values())
    return False


def _nqf_errors(session: Session, state: dict[str, Any]) -> list[dict[str, Any]]:
    """The national level must be recorded, and referenced to the stated EQF level."""
    stated = state.get("nqf")
    if not stated:
        return []
    try:
        country = normalise_country(stated["country"])
    except NotFound:
        return [field_error("/nqf/country", "not a country code (ISO 3166-1 alpha-2)")]
    level = find_level(session, country, stated["level"])
    if level is None:
        why = f"no level {stated['level']!r} is recorded for {country} (GET /api/v1/nqf/{country})"
        return [field_error("/nqf/level", why)]
    stated["country"] = country
    eqf = state.get("eqf_level")
    if eqf is not None and eqf != level.eqf:
        why = f"{country} level {level.level} is referenced to EQF {level.eqf}, not EQF {eqf}"
        return [field_error("/nqf/level", why)]
    return []
