"""The verification report: named checks in order, each passed, failed, error or skipped.

*failed* means the credential is bad; *error* means we could not decide (a document was not
available, an unsupported method). Checks that are not `required` are warnings: they are shown
but do not change the verdict (e.g. an issuer this service does not know).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Outcome = Literal["passed", "failed", "error", "skipped"]
Format = Literal["ldp", "jwt", "sd-jwt", "unknown"]
Container = Literal["json", "text", "png", "svg"]


@dataclass
class Check:
    id: str
    outcome: Outcome
    detail: str
    required: bool = True
    problem_type: str | None = None

    @property
    def is_warning(self) -> bool:
        return not self.required and self.outcome in ("failed", "error")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "outcome": self.outcome,
            "detail": self.detail,
            "required": self.required,
        }
        if self.problem_type:
            data["problem_type"] = self.problem_type
        return data


@dataclass
class CheckLog:
    """Named checks in order, shared by credential and presentation reports."""

    checks: list[Check] = field(default_factory=list)

    @property
    def own_checks_pass(self) -> bool:
        """True only when a proof passed and no required check failed or errored."""
        proof_passed = any(c.id == "proof" and c.outcome == "passed" for c in self.checks)
        blocking = any(c.required and c.outcome in ("failed", "error") for c in self.checks)
        return proof_passed and not blocking

    @property
    def verified(self) -> bool:
        """The verdict; a report that carries others (a presentation) also asks them."""
        return self.own_checks_pass

    @property
    def warnings(self) -> list[Check]:
        return [check for check in self.checks if check.is_warning]

    def check(self, check_id: str) -> Check | None:
        return next((check for check in self.checks if check.id == check_id), None)

    def add(
        self,
        check_id: str,
        outcome: Outcome,
        detail: str,
        *,
        required: bool = True,
        problem_type: str | None = None,
    ) -> Check:
        check = Check(check_id, outcome, detail, required, problem_type)
        self.checks.append(check)
        return check

    def report_dict(self, **fields: Any) -> dict[str, Any]:
        """The shape every report's `to_dict()` shares: the verdict, the report's own `fields`,
        then the checks and the warnings."""
        return {
            "verified": self.verified,
            **fields,
            "checks": [check.to_dict() for check in self.checks],
            "warnings": [check.detail for check in self.warnings],
        }


@dataclass
class VerificationReport(CheckLog):
    credential: dict[str, Any] | None = None
    format: Format = "unknown"
    container: Container = "json"
    nested: dict[str, list[VerificationReport]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return self.report_dict(format=self.format, container=self.container)
