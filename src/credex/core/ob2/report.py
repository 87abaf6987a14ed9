"""The Open Badges 2.0 verification report: the same named checks as the OB 3.0 report.

It reuses `CheckLog`, so `verified` means the same thing (the `proof` check passed — hosted
copy or signature — and no required check failed or could not be decided) and `to_dict()` has
the OB 3.0 report's shape, with `format: "ob2"` and the verification `method`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from credex.core.verification.report import CheckLog

Method = Literal["hosted", "signed", "unknown"]


@dataclass
class Ob2Report(CheckLog):
    """`assertion` is the copy the checks ran on: the issuer's hosted copy once fetched."""

    assertion: dict[str, Any] | None = None
    badge_class: dict[str, Any] | None = None
    issuer: dict[str, Any] | None = None
    method: Method = "unknown"
    signed: bool = False  # given as a compact JWS

    def to_dict(self) -> dict[str, Any]:
        container = "text" if self.signed else "json"
        return self.report_dict(format="ob2", method=self.method, container=container)
