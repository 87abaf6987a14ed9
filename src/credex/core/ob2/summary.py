"""What an OB 2.0 assertion says, in the terms a stacking rule counts (ids, names, dates,
alignments), read from a report's assertion, BadgeClass and issuer Profile."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credex.core.ob2.documents import node_id
from credex.core.ob2.report import Ob2Report
from credex.core.ob2.shape import as_list, parse_datetime


@dataclass(frozen=True)
class Ob2Summary:
    assertion_id: str
    issuer_id: str | None
    issuer_name: str | None
    badge_class_id: str
    badge_class_name: str | None
    issued_on: datetime | None
    alignments: list[dict[str, str]] = field(default_factory=list)

    @property
    def frameworks(self) -> list[str]:
        return sorted({a["targetFramework"] for a in self.alignments if "targetFramework" in a})

    @property
    def codes(self) -> list[str]:
        return sorted({a["targetCode"] for a in self.alignments if "targetCode" in a})


def summarize_ob2(report: Ob2Report) -> Ob2Summary | None:
    """None when there is no readable assertion to summarise."""
    assertion = report.assertion or {}
    assertion_id, badge_id = assertion.get("id"), node_id(assertion.get("badge"))
    if not isinstance(assertion_id, str) or badge_id is None:
        return None
    badge = report.badge_class or {}
    issuer = report.issuer or {}
    try:
        issued: datetime | None = parse_datetime(assertion.get("issuedOn"))
    except ValueError:
        issued = None
    return Ob2Summary(
        assertion_id=assertion_id,
        issuer_id=node_id(issuer) or node_id(badge.get("issuer")),
        issuer_name=_text(issuer.get("name")),
        badge_class_id=node_id(badge) or badge_id,
        badge_class_name=_text(badge.get("name")),
        issued_on=issued,
        alignments=[
            {k: v for k, v in item.items() if isinstance(v, str)}
            for item in as_list(badge.get("alignment"))
            if isinstance(item, Mapping)
        ],
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
