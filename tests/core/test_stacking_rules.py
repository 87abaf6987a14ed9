"""Stacking rule requirements: parsing with precise pointers, and validation on save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from credex.core.stacking import (
    AchievementInfo,
    RuleInvalid,
    parse_requirement,
    referenced_achievements,
    requirement_json,
    validate_rule,
)

A = AchievementInfo("https://x.example/achievements/a", "A", Decimal(2), 4)
B = AchievementInfo("https://x.example/achievements/b", "B", Decimal(2), 4)
C = AchievementInfo("https://x.example/achievements/c", "C", Decimal("1.5"), 3)
TARGET = "https://x.example/achievements/t"
KNOWN: dict[str, AchievementInfo | None] = {"a": A, "b": B, "c": C}


def leaf(ref: str) -> dict[str, Any]:
    return {"type": "achievement", "achievement": ref}


def problems(data: dict[str, Any], known: Any = None, others: Any = None) -> list[tuple[str, str]]:
    requirement = parse_requirement(data)
    found = validate_rule(TARGET, requirement, known or KNOWN, others or {})
    return [(p.pointer, p.detail) for p in found]


def test_parse_errors_point_into_the_body_without_union_tags() -> None:
    data = {
        "type": "all_of",
        "of": [
            {"type": "n_of", "n": 0, "of": [{"type": "achievement"}]},
            {"type": "bogus"},
            {"type": "within", "months": 0, "of": {"type": "min_credits", "credits": -1}},
            {"type": "min_eqf_level", "level": 9},
        ],
    }
    with pytest.raises(RuleInvalid) as caught:
        parse_requirement(data)
    pointers = [p.pointer for p in caught.value.problems]
    assert pointers == [
        "/requirement/of/0/n",
        "/requirement/of/0/of/0/achievement",
        "/requirement/of/1",
        "/requirement/of/2/months",
        "/requirement/of/2/of/credits",
        "/requirement/of/3/level",
    ]


def test_unknown_fields_and_non_objects_are_refused() -> None:
    with pytest.raises(RuleInvalid) as caught:
        parse_requirement({"type": "all_of", "of": [leaf("a")], "extra": 1})
    assert caught.value.problems[0].pointer == "/requirement/extra"
    with pytest.raises(RuleInvalid):
        parse_requirement(["a"])


def test_a_valid_rule_round_trips_as_json_without_defaults() -> None:
    data = {
        "type": "within",
        "months": 12,
        "of": {"type": "min_credits", "credits": 4.5, "filter": {"min_eqf_level": 4}},
    }
    requirement = parse_requirement(data)
    assert requirement_json(requirement) == data
    assert parse_requirement(requirement_json(requirement)) == requirement
    assert problems({"type": "all_of", "of": [leaf("a"), leaf("b")]}) == []


def test_unknown_achievements_are_named_with_their_pointer() -> None:
    found = problems({"type": "all_of", "of": [leaf("a"), leaf("zzz")]}, {**KNOWN, "zzz": None})
    assert found == [("/requirement/of/1/achievement", "no achievement zzz of this issuer")]
    credit = {"type": "min_credits", "credits": 1, "filter": {"achievements": ["a", "nope"]}}
    found = problems(credit, {**KNOWN, "nope": None})
    assert found[0][0] == "/requirement/filter/achievements/1"


def test_n_of_cannot_ask_for_more_than_it_lists() -> None:
    found = problems({"type": "n_of", "n": 3, "of": [leaf("a"), leaf("b")]})
    assert found == [("/requirement/n", "3 needed but only 2 listed")]


def test_min_credits_over_a_closed_list_must_be_reachable() -> None:
    closed = {"achievements": ["a", "b", "c"]}
    assert problems({"type": "min_credits", "credits": "5.5", "filter": closed}) == []
    found = problems({"type": "min_credits", "credits": 6, "filter": closed})
    assert found == [("/requirement/credits", "the listed achievements reach only 5.5 ECTS")]
    # C is EQF 3: with an EQF 4 floor only A and B count.
    found = problems(
        {"type": "min_credits", "credits": 5, "filter": {**closed, "min_eqf_level": 4}}
    )
    assert found == [("/requirement/credits", "the listed achievements reach only 4 ECTS")]


def test_external_achievements_leave_credit_thresholds_open() -> None:
    external = AchievementInfo("https://other.example/a/1", "https://other.example/a/1")
    known = {**KNOWN, "https://other.example/a/1": external}
    data = {
        "type": "min_credits",
        "credits": 50,
        "filter": {"achievements": ["a", "https://other.example/a/1"]},
    }
    assert problems(data, known) == []


def test_a_rule_may_not_need_its_own_target() -> None:
    target = AchievementInfo(TARGET, "T", Decimal(6), 5)
    found = problems({"type": "all_of", "of": [leaf("a"), leaf("t")]}, {**KNOWN, "t": target})
    assert found == [("/requirement", f"a cycle between rules: {TARGET} → {TARGET}")]


def test_cycles_through_other_rules_are_found() -> None:
    # Another rule awards A and needs the target: target → A → target.
    others = {A.key: {TARGET}}
    found = problems({"type": "all_of", "of": [leaf("a")]}, KNOWN, others)
    assert found == [("/requirement", f"a cycle between rules: {TARGET} → {A.key} → {TARGET}")]
    # Longer: target → B → C → target (C's rule names the target in a closed credit list).
    others = {B.key: {C.key}, C.key: {TARGET}}
    found = problems({"type": "n_of", "n": 1, "of": [leaf("a"), leaf("b")]}, KNOWN, others)
    assert found[0][1].endswith(f"{B.key} → {C.key} → {TARGET}")
    # No cycle: A's rule needs C, which no rule awards from the target.
    assert problems({"type": "all_of", "of": [leaf("a")]}, KNOWN, {A.key: {C.key}}) == []


def test_trees_are_bounded() -> None:
    deep: dict[str, Any] = leaf("a")
    for _ in range(9):
        deep = {"type": "all_of", "of": [deep]}
    assert problems(deep) == [("/requirement", "at most 200 nodes, nested 8 deep")]


def test_references_are_listed_with_pointers() -> None:
    requirement = parse_requirement(
        {
            "type": "n_of",
            "n": 1,
            "of": [
                leaf("a"),
                {"type": "min_credits", "credits": 1, "filter": {"achievements": ["b"]}},
            ],
        }
    )
    assert sorted(referenced_achievements(requirement)) == [
        ("/requirement/of/0/achievement", "a"),
        ("/requirement/of/1/filter/achievements/0", "b"),
    ]
