"""Evaluating requirements over component facts: satisfied or not, how far, what is missing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from credex.core.stacking import (
    ComponentFact,
    Evaluation,
    add_months,
    evaluate_rule,
    parse_requirement,
)

OWN = "did:web:x.example:issuers:1"
OTHER = "did:key:z6MkOther"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
LABELS = {"a": "Storytelling", "b": "Crowdfunding", "c": "IP basics"}


def fact(
    credential: str,
    achievement: str,
    *,
    ects: str | None = "2",
    eqf: int | None = 4,
    when: datetime = datetime(2026, 1, 10, tzinfo=UTC),
    issuer: str = OWN,
    verified: bool = True,
    codes: frozenset[str] = frozenset(),
    frameworks: frozenset[str] = frozenset(),
) -> ComponentFact:
    return ComponentFact(
        credential_id=credential,
        achievement_id=achievement,
        issuer_id=issuer,
        awarded_at=when,
        ects=Decimal(ects) if ects is not None else None,
        eqf_level=eqf,
        framework_ids=frameworks,
        competency_codes=codes,
        verified=verified,
    )


def run(data: dict[str, Any], facts: list[ComponentFact], trusted: tuple[str, ...] = (OWN,)) -> Any:
    evaluation = Evaluation(now=NOW, labels=LABELS)
    return evaluate_rule(parse_requirement(data), facts, trusted, evaluation)


def leaves(*refs: str) -> list[dict[str, str]]:
    return [{"type": "achievement", "achievement": ref} for ref in refs]


def test_all_of_counts_held_achievements_and_names_the_missing() -> None:
    progress = run(
        {"type": "all_of", "of": leaves("a", "b", "c")}, [fact("1", "a"), fact("2", "b")]
    )
    assert (progress.satisfied, progress.summary) == (False, "2 of 3")
    assert progress.counted == ["1", "2"]
    assert progress.missing == ["IP basics"]
    assert [child.summary for child in progress.children] == ["1 of 1", "1 of 1", "0 of 1"]
    done = run({"type": "all_of", "of": leaves("a", "b")}, [fact("1", "a"), fact("2", "b")])
    assert (done.satisfied, done.summary, done.missing) == (True, "2 of 2", [])


def test_the_latest_credential_for_an_achievement_is_counted() -> None:
    older = fact("old", "a", when=datetime(2025, 1, 1, tzinfo=UTC))
    progress = run({"type": "all_of", "of": leaves("a")}, [fact("new", "a"), older])
    assert progress.counted == ["new"]


def test_n_of_reports_how_many_more_and_from_which_options() -> None:
    data = {"type": "n_of", "n": 2, "of": leaves("a", "b", "c")}
    progress = run(data, [fact("1", "b")])
    assert (progress.satisfied, progress.summary) == (False, "1 of 2")
    assert progress.missing == ["1 more of: Storytelling; IP basics"]
    done = run(data, [fact("1", "b"), fact("2", "c"), fact("3", "a")])
    assert done.satisfied
    assert done.summary == "2 of 2"
    assert len(done.counted) == 2  # only the n that are needed


def test_min_credits_sums_ects_over_the_filter() -> None:
    data = {"type": "min_credits", "credits": 6, "filter": {"min_eqf_level": 4}}
    facts = [fact("1", "a", ects="2"), fact("2", "b", ects="2.5"), fact("3", "c", eqf=3)]
    progress = run(data, facts)
    assert (progress.satisfied, progress.summary) == (False, "4.5 of 6 ECTS")
    assert progress.counted == ["1", "2"]
    assert progress.missing == ["1.5 more ECTS at EQF ≥ 4"]
    assert run({**data, "credits": "4.5"}, facts).satisfied


def test_credit_filters_select_by_competency_framework_issuer_and_list() -> None:
    facts = [
        fact("1", "a", codes=frozenset({"D1.1"}), frameworks=frozenset({"fw"})),
        fact("2", "b", codes=frozenset({"E1.1"})),
        fact("3", "x", issuer=OTHER),
    ]

    def total(filter_: dict[str, Any]) -> str:
        data = {"type": "min_credits", "credits": 10, "filter": filter_}
        return str(run(data, facts, (OWN, OTHER)).summary)

    assert total({}) == "6 of 10 ECTS"
    assert total({"competency_codes": ["D1.1", "L1.1"]}) == "2 of 10 ECTS"
    assert total({"frameworks": ["fw"]}) == "2 of 10 ECTS"
    assert total({"issuers": [OTHER]}) == "2 of 10 ECTS"
    assert total({"achievements": ["a", "b"]}) == "4 of 10 ECTS"


def test_min_eqf_level_counts_credentials_at_or_above() -> None:
    data = {"type": "min_eqf_level", "level": 5, "count": 2}
    progress = run(data, [fact("1", "a", eqf=5), fact("2", "b", eqf=4)])
    assert (progress.satisfied, progress.summary) == (False, "1 of 2 at EQF ≥ 5")
    assert progress.missing == ["1 more credential(s) at EQF ≥ 5"]
    assert run(data, [fact("1", "a", eqf=6), fact("2", "b", eqf=5)]).satisfied


def test_unverified_and_untrusted_credentials_never_count() -> None:
    data = {"type": "all_of", "of": leaves("a", "b")}
    facts = [fact("1", "a", verified=False), fact("2", "b", issuer=OTHER)]
    assert run(data, facts).summary == "0 of 2"
    assert run(data, facts, (OWN, OTHER)).summary == "1 of 2"


def test_within_each_other_needs_all_components_in_one_window() -> None:
    data = {"type": "within", "months": 6, "of": {"type": "all_of", "of": leaves("a", "b", "c")}}
    spread = [
        fact("1", "a", when=datetime(2025, 1, 1, tzinfo=UTC)),
        fact("2", "b", when=datetime(2025, 5, 1, tzinfo=UTC)),
        fact("3", "c", when=datetime(2025, 9, 1, tzinfo=UTC)),
    ]
    progress = run(data, spread)
    assert (progress.satisfied, progress.summary) == (False, "2 of 3 within 6 months")
    assert progress.missing == ["Storytelling (within 6 months)"]  # the latest window
    close = [*spread[:2], fact("3", "c", when=datetime(2025, 7, 1, tzinfo=UTC))]
    assert run(data, close).satisfied


def test_within_now_counts_only_recent_components() -> None:
    data = {
        "type": "within",
        "months": 12,
        "relative_to": "now",
        "of": {"type": "min_credits", "credits": 4},
    }
    facts = [fact("1", "a"), fact("2", "b", when=datetime(2024, 1, 1, tzinfo=UTC))]
    progress = run(data, facts)
    assert progress.summary == "2 of 4 ECTS within 12 months of now"
    assert progress.counted == ["1"]


def test_nested_trees_combine_summaries_and_missing_items() -> None:
    data = {
        "type": "all_of",
        "of": [
            {"type": "n_of", "n": 1, "of": leaves("a", "b")},
            {"type": "min_credits", "credits": 5, "filter": {"min_eqf_level": 4}},
        ],
    }
    progress = run(data, [fact("1", "a"), fact("2", "c", ects="1.5")])
    assert (progress.satisfied, progress.summary) == (False, "1 of 2")
    assert progress.missing == ["1.5 more ECTS at EQF ≥ 4"]
    assert progress.counted == ["1", "2"]


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(datetime(2025, 1, 31, tzinfo=UTC), 1) == datetime(2025, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2024, 11, 30, tzinfo=UTC), 3) == datetime(2025, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2025, 5, 15, tzinfo=UTC), 12) == datetime(2026, 5, 15, tzinfo=UTC)
