"""Evaluating a requirement over a learner's component facts (pure): progress per node.

Only verified facts from trusted issuers count, and the same fact may count towards several
nodes (an achievement leaf and a credit sum). Each node reports whether it is satisfied, a
summary ("2 of 3", "4.5 of 6 ECTS"), the credentials it counted and what is missing.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from credex.core.stacking.rules import (
    AchievementRequirement,
    AllOf,
    MinCredits,
    MinEqfLevel,
    NOf,
    Requirement,
    Within,
    format_decimal,
)


@dataclass(frozen=True)
class ComponentFact:
    """One earned credential, as the evaluator sees it (ids are the URLs credentials carry)."""

    credential_id: str
    achievement_id: str
    issuer_id: str
    awarded_at: datetime
    ects: Decimal | None = None
    eqf_level: int | None = None
    framework_ids: frozenset[str] = frozenset()
    competency_codes: frozenset[str] = frozenset()
    verified: bool = True


@dataclass
class Progress:
    """How far one node (or a whole rule) is: `summary` like "2 of 3" or "4.5 of 6 ECTS"."""

    kind: str
    satisfied: bool
    summary: str
    counted: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    children: list[Progress] = field(default_factory=list)
    fraction: float = 0.0  # 0..1, to pick the most advanced of several time windows


@dataclass(frozen=True)
class Evaluation:
    """`keys`: achievement reference → key as facts carry it; `labels`: key → display name."""

    now: datetime
    keys: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def key(self, reference: str) -> str:
        return self.keys.get(reference, reference)

    def label(self, reference: str) -> str:
        key = self.key(reference)
        return self.labels.get(key, key)


def evaluate_rule(
    requirement: Requirement,
    facts: Iterable[ComponentFact],
    trusted_issuers: Iterable[str],
    evaluation: Evaluation,
) -> Progress:
    """Progress of the whole rule; unverified facts and untrusted issuers never count."""
    trusted = set(trusted_issuers)
    usable = [f for f in facts if f.verified and f.issuer_id in trusted]
    return evaluate(requirement, usable, evaluation)


def evaluate(node: Requirement, facts: list[ComponentFact], ev: Evaluation) -> Progress:
    if isinstance(node, AchievementRequirement):
        key = ev.key(node.achievement)
        held = sorted((f for f in facts if f.achievement_id == key), key=lambda f: f.awarded_at)
        if held:
            return Progress("achievement", True, "1 of 1", [held[-1].credential_id], [], [], 1.0)
        return Progress("achievement", False, "0 of 1", [], [ev.label(node.achievement)])
    if isinstance(node, AllOf | NOf):
        return _combine(node, [evaluate(child, facts, ev) for child in node.of], ev)
    if isinstance(node, MinCredits):
        return _credits(node, facts, ev)
    if isinstance(node, MinEqfLevel):
        hits = [f for f in facts if (f.eqf_level or 0) >= node.level]
        got = min(len(hits), node.count)
        missing = [] if got >= node.count else [f"{node.count - got} more {describe(node, ev)}"]
        summary = f"{got} of {node.count} at EQF ≥ {node.level}"
        ids = [f.credential_id for f in hits]
        return Progress("min_eqf_level", not missing, summary, ids, missing, [], got / node.count)
    return _within(node, facts, ev)


def _combine(node: AllOf | NOf, children: list[Progress], ev: Evaluation) -> Progress:
    needed = len(children) if isinstance(node, AllOf) else node.n
    done = [child for child in children if child.satisfied]
    sources = done[:needed] if len(done) >= needed else children
    counted = _unique(i for child in sources for i in child.counted)
    best = sorted((child.fraction for child in children), reverse=True)[:needed]
    progress = Progress(
        node.type,
        len(done) >= needed,
        f"{min(len(done), needed)} of {needed}",
        counted,
        children=children,
        fraction=sum(best) / needed,
    )
    if progress.satisfied:
        return progress
    if isinstance(node, AllOf):
        progress.missing = _unique(m for child in children for m in child.missing)
    else:
        open_options = [
            describe(c, ev) for c, p in zip(node.of, children, strict=True) if not p.satisfied
        ]
        progress.missing = [f"{needed - len(done)} more of: " + "; ".join(open_options)]
    return progress


def _credits(node: MinCredits, facts: list[ComponentFact], ev: Evaluation) -> Progress:
    rule = node.filter
    allowed = {ev.key(ref) for ref in rule.achievements}
    hits = [
        f
        for f in facts
        if f.ects is not None
        and (not allowed or f.achievement_id in allowed)
        and (rule.min_eqf_level is None or (f.eqf_level or 0) >= rule.min_eqf_level)
        and (not rule.frameworks or f.framework_ids & set(rule.frameworks))
        and (not rule.competency_codes or f.competency_codes & set(rule.competency_codes))
        and (not rule.issuers or f.issuer_id in rule.issuers)
    ]
    total = sum((f.ects for f in hits if f.ects is not None), Decimal(0))
    summary = f"{format_decimal(total)} of {format_decimal(node.credits)} ECTS"
    missing = []
    if total < node.credits:
        missing = [f"{format_decimal(node.credits - total)} more {describe(node, ev)}"]
    fraction = float(min(total / node.credits, Decimal(1)))
    ids = [f.credential_id for f in hits]
    return Progress("min_credits", not missing, summary, ids, missing, [], fraction)


def _within(node: Within, facts: list[ComponentFact], ev: Evaluation) -> Progress:
    span = f"within {node.months} months"
    if node.relative_to == "now":
        windows = [[f for f in facts if add_months(f.awarded_at, node.months) >= ev.now]]
        span += " of now"
    else:
        starts = sorted({f.awarded_at for f in facts})
        windows = [
            [f for f in facts if start <= f.awarded_at <= add_months(start, node.months)]
            for start in starts
        ] or [[]]
    results = [evaluate(node.of, window, ev) for window in windows]
    # Ties go to the latest window: the one a learner can still complete.
    _, best = max(
        enumerate(results), key=lambda pair: (pair[1].satisfied, pair[1].fraction, pair[0])
    )
    missing = [f"{m} ({span})" for m in best.missing]
    summary = f"{best.summary} {span}"
    return Progress("within", best.satisfied, summary, best.counted, missing, [best], best.fraction)


def describe(node: Requirement, ev: Evaluation) -> str:
    """A short human description of what a node asks for."""
    if isinstance(node, AchievementRequirement):
        return ev.label(node.achievement)
    if isinstance(node, AllOf):
        return "all of (" + "; ".join(describe(child, ev) for child in node.of) + ")"
    if isinstance(node, NOf):
        return f"{node.n} of (" + "; ".join(describe(child, ev) for child in node.of) + ")"
    if isinstance(node, MinCredits):
        level = node.filter.min_eqf_level
        return "ECTS" + (f" at EQF ≥ {level}" if level else "")
    if isinstance(node, MinEqfLevel):
        return f"credential(s) at EQF ≥ {node.level}"
    return f"{describe(node.of, ev)} within {node.months} months"


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def add_months(value: datetime, months: int) -> datetime:
    """Calendar months later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return value.replace(
        year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1])
    )
