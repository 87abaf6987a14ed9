"""Stacking rules: create, read, change, delete, each validated before it is saved.

Validation (`credex.core.stacking.validate_rule`) rejects achievements the issuer does not have,
impossible thresholds and cycles between the issuer's rules; every problem is a 422 entry with
a JSON pointer into the request body. A rule that has awarded credentials cannot be deleted
(its awards are the record of why a stacked credential exists); deactivate it instead.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from functools import lru_cache

from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.auth.principal import Principal
from credex.core.stacking import (
    AchievementInfo,
    Requirement,
    RuleInvalid,
    parse_requirement,
    referenced_achievements,
    requirement_json,
    validate_rule,
)
from credex.db.models import Achievement, StackingRule
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.learners.tenancy import acting_issuer_id
from credex.pagination import paginate
from credex.settings import Settings
from credex.stacking import repository
from credex.stacking.facts import achievement_key, achievement_name
from credex.stacking.schemas import StackingRuleCreate, StackingRuleUpdate

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
PUBLIC_STATUSES = ("published", "retired")


def create_rule(
    session: Session, principal: Principal, data: StackingRuleCreate, settings: Settings
) -> StackingRule:
    issuer_id = acting_issuer_id(session, principal, data.issuer_id)
    target = _own_achievement(session, issuer_id, data.target_achievement_id)
    requirement = _checked(
        session, issuer_id, target.id, data.requirement, settings=settings, rule_id=None
    )
    rule = repository.insert_rule(
        session,
        {
            "issuer_id": issuer_id,
            "target_achievement_id": target.id,
            "name": data.name,
            "requirement": requirement_json(requirement),
            "trusted_issuers": _unique(data.trusted_issuers),
            "active": data.active,
        },
    )
    if rule is None:
        existing = repository.rule_for_target(session, target.id)
        raise Conflict(
            "this achievement already has a stacking rule; change that one instead",
            rule_id=str(existing.id) if existing else None,
        )
    return rule


def get_rule(session: Session, principal: Principal, rule_id: uuid.UUID) -> StackingRule:
    rule = repository.find_visible_rule(session, principal, rule_id)
    if rule is None:
        raise NotFound(f"no stacking rule {rule_id}")
    return rule


def list_rules(
    session: Session,
    principal: Principal,
    *,
    issuer_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[StackingRule], str | None]:
    return paginate(
        session,
        repository.rules_visible_to(principal, issuer_id),
        created_at=StackingRule.created_at,
        row_id=StackingRule.id,
        limit=limit,
        cursor=cursor,
    )


def update_rule(
    session: Session,
    principal: Principal,
    rule_id: uuid.UUID,
    data: StackingRuleUpdate,
    settings: Settings,
) -> StackingRule:
    rule = repository.find_visible_rule(session, principal, rule_id, for_update=True)
    if rule is None:
        raise NotFound(f"no stacking rule {rule_id}")
    changes = data.model_dump(exclude_unset=True)
    if changes.get("requirement") is not None:
        requirement = _checked(
            session,
            rule.issuer_id,
            rule.target_achievement_id,
            data.requirement,
            settings=settings,
            rule_id=rule.id,
        )
        rule.requirement = requirement_json(requirement)
    if "name" in changes:
        rule.name = data.name
    if data.trusted_issuers is not None:
        rule.trusted_issuers = _unique(data.trusted_issuers)
    if data.active is not None:
        rule.active = data.active
    return rule


def delete_rule(session: Session, principal: Principal, rule_id: uuid.UUID) -> None:
    rule = repository.find_visible_rule(session, principal, rule_id, for_update=True)
    if rule is None:
        raise NotFound(f"no stacking rule {rule_id}")
    awarded = repository.count_awards(session, rule.id)
    if awarded:
        raise Conflict(
            f"this rule has awarded {awarded} credential(s) and is their record; "
            "set `active` to false instead"
        )
    session.delete(rule)


def rule_requirement(rule: StackingRule) -> Requirement:
    """A stored requirement (validated when saved). Parsed once per distinct requirement:
    issuance evaluates the same rules for every credential; the parsed tree is never changed."""
    return _parsed_requirement(json.dumps(rule.requirement, sort_keys=True))


@lru_cache(maxsize=1024)
def _parsed_requirement(text: str) -> Requirement:
    return parse_requirement(json.loads(text))


def _own_achievement(
    session: Session, issuer_id: uuid.UUID, achievement_id: uuid.UUID
) -> Achievement:
    found = repository.achievements_by_id(session, [achievement_id]).get(achievement_id)
    if found is None or found.issuer_id != issuer_id:
        raise InvalidInput(
            "the target achievement is not one of this issuer's",
            errors=[field_error("/target_achievement_id", f"no achievement {achievement_id}")],
        )
    return found


def _checked(
    session: Session,
    issuer_id: uuid.UUID,
    target_id: uuid.UUID,
    raw: object,
    *,
    settings: Settings,
    rule_id: uuid.UUID | None,
) -> Requirement:
    """The parsed requirement, or a 422 listing every problem with its pointer."""
    base_url = settings.base_url
    try:
        requirement = parse_requirement(raw)
    except RuleInvalid as exc:
        raise _invalid(exc) from exc
    references = [ref for _, ref in referenced_achievements(requirement)]
    known = _known(session, issuer_id, references, base_url)
    others = {
        achievement_url(rule.target_achievement_id, base_url): _named_keys(rule, base_url)
        for rule in repository.issuer_rules(session, issuer_id)
        if rule.id != rule_id
    }
    problems = validate_rule(achievement_url(target_id, base_url), requirement, known, others)
    if problems:
        raise _invalid(RuleInvalid(problems))
    return requirement


def _invalid(exc: RuleInvalid) -> InvalidInput:
    return InvalidInput(
        "the stacking rule is not valid",
        errors=[field_error(problem.pointer, problem.detail) for problem in exc.problems],
    )


def _known(
    session: Session, issuer_id: uuid.UUID, references: list[str], base_url: str
) -> dict[str, AchievementInfo | None]:
    """What each reference names: one of the issuer's achievements (by UUID or URL), another
    issuer's public one on this service (by URL), an external URL, or nothing (None)."""
    own_url = re.compile(rf"^{re.escape(base_url)}/achievements/({_UUID})$")
    ids: dict[str, uuid.UUID] = {}
    for ref in references:
        match = own_url.match(ref)
        try:
            ids[ref] = uuid.UUID(match.group(1) if match else ref)
        except ValueError:
            continue
    rows = repository.achievements_by_id(session, set(ids.values()))
    known: dict[str, AchievementInfo | None] = {}
    for ref in references:
        row = rows.get(ids[ref]) if ref in ids else None
        if row is not None and (row.issuer_id == issuer_id or _public_by_url(ref, row)):
            key = achievement_url(row.id, base_url)
            known[ref] = AchievementInfo(
                key, achievement_name(row), row.ects_credits, row.eqf_level
            )
        elif ref not in ids and ref.startswith(("https://", "http://")) and not own_url.match(ref):
            known[ref] = AchievementInfo(ref, ref)  # external: cannot be checked in advance
        else:
            known[ref] = None
    return known


def _public_by_url(reference: str, row: Achievement) -> bool:
    return reference.startswith("http") and row.status in PUBLIC_STATUSES


def _named_keys(rule: StackingRule, base_url: str) -> set[str]:
    return {
        achievement_key(ref, base_url) for _, ref in referenced_achievements(rule_requirement(rule))
    }


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
