"""Stacking rules (pure): which earned credentials combine into a larger one, and how far along.

`rules` holds the requirement tree and its validation on save, `progress` evaluates it over
component facts (one per earned credential), `digest` computes the `digestMultibase` a stacked
credential lists for each component.
"""

from credex.core.stacking.digest import component_bytes, component_digest, digest_matches
from credex.core.stacking.progress import (
    ComponentFact,
    Evaluation,
    Progress,
    add_months,
    describe,
    evaluate,
    evaluate_rule,
)
from credex.core.stacking.rules import (
    AchievementInfo,
    AchievementRequirement,
    AllOf,
    CreditFilter,
    MinCredits,
    MinEqfLevel,
    NOf,
    Problem,
    Requirement,
    RuleInvalid,
    Within,
    format_decimal,
    parse_requirement,
    referenced_achievements,
    requirement_json,
    validate_rule,
    walk,
)

__all__ = [
    "AchievementInfo",
    "AchievementRequirement",
    "AllOf",
    "ComponentFact",
    "CreditFilter",
    "Evaluation",
    "MinCredits",
    "MinEqfLevel",
    "NOf",
    "Problem",
    "Progress",
    "Requirement",
    "RuleInvalid",
    "Within",
    "add_months",
    "component_bytes",
    "component_digest",
    "describe",
    "digest_matches",
    "evaluate",
    "evaluate_rule",
    "format_decimal",
    "parse_requirement",
    "referenced_achievements",
    "requirement_json",
    "validate_rule",
    "walk",
]
