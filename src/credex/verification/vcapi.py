"""The W3C VC-API (VCALM) verbs, with the conventions of the W3C interoperability suites.

Issue: sign a caller-supplied VC 2.0 credential with eddsa-rdfc-2022 as the caller's issuer.
Verify: a valid credential or presentation is `200 {"verified": true, ...}`; anything else is
400 (unreadable request) or 422 (it does not verify) with problem details in `errors`. Never a
200 with `verified: false`: the suites count that as accepted (STANDARDS.md gotcha G7).

`options.checks` names what the caller wants enforced beyond what is always enforced. Always:
the data model (`format`, `ob_schema` when the credential declares the schema), `contexts` and
`proof` (and for presentations `holder`). Only when asked: `validity` (`expiration`), `status`
(`credentialStatus`) and `key_binding`. Without `options.checks`, every check the report marks
required counts, as on `/api/v1/verify`. Why `key_binding` is opt-in under `checks`: Data
Integrity proves that the key's controller signed; it does not require that controller to be the
credential's `issuer`, and the suites post credentials signed by their own did:key whose issuer
differs. Unknown check names are ignored and reported as warnings, so a newer suite that asks
for more does not fail valid credentials.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from credex.core.errors import SECURITY_VOCAB, STATUS_ERRORS, VCDM_ERRORS
from credex.core.verification import Check, PresentationReport, VerificationReport

# `components`: a relatedResource whose digest does not match MUST be an error (VC DM 2.0 §5.3);
# one that could not be obtained is not required, so it stays a warning.
ALWAYS_ENFORCED = frozenset(
    {"complexity", "format", "ob_schema", "contexts", "proof", "holder", "components"}
)
CHECK_NAMES: dict[str, frozenset[str]] = {
    "proof": frozenset(),
    "status": frozenset({"status"}),
    "credentialStatus": frozenset({"status"}),
    "expiration": frozenset({"validity"}),
    "validity": frozenset({"validity"}),
    "validFrom": frozenset({"validity"}),
    "validUntil": frozenset({"validity"}),
    "key_binding": frozenset({"key_binding"}),
    "keyBinding": frozenset({"key_binding"}),
    "issuer": frozenset({"issuer"}),
    "endorsements": frozenset({"endorsements"}),
    "components": frozenset({"components"}),
}
_DEFAULT_TYPES = {
    "complexity": SECURITY_VOCAB + "PROOF_TRANSFORMATION_ERROR",
    "format": VCDM_ERRORS + "MALFORMED_VALUE_ERROR",
    "ob_schema": VCDM_ERRORS + "MALFORMED_VALUE_ERROR",
    "contexts": SECURITY_VOCAB + "PROOF_TRANSFORMATION_ERROR",
    "validity": VCDM_ERRORS + "RANGE_ERROR",
    "status": STATUS_ERRORS + "STATUS_VERIFICATION_ERROR",
}
_TITLES = {
    "complexity": "The document is too costly to process safely",
    "format": "The document is not a valid verifiable credential or presentation",
    "ob_schema": "The credential does not follow the Open Badges 3.0 schema",
    "contexts": "The JSON-LD contexts cannot be processed safely",
    "proof": "The proof does not verify",
    "key_binding": "The signing key does not belong to the issuer",
    "holder": "The presentation was not signed by its holder",
    "validity": "The credential is not valid at this time",
    "status": "The credential's status is not good",
    "endorsements": "An endorsement does not verify",
}


@dataclass(frozen=True)
class CheckSelection:
    """What to enforce: None = everything the report requires; else ALWAYS plus `extra`."""

    extra: frozenset[str] | None
    unknown: tuple[str, ...] = ()

    @classmethod
    def from_option(cls, value: Sequence[str] | None) -> CheckSelection:
        if value is None:
            return cls(None)
        extra: set[str] = set()
        unknown = []
        for name in value:
            if name in CHECK_NAMES:
                extra |= CHECK_NAMES[name]
            else:
                unknown.append(name)
        return cls(frozenset(extra), tuple(unknown))

    def enforces(self, check: Check) -> bool:
        if not check.required:
            return False
        return self.extra is None or check.id in ALWAYS_ENFORCED or check.id in self.extra


@dataclass
class Verdict:
    verified: bool
    passed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": self.passed,
            "warnings": self.warnings,
            "errors": self.errors,
        }


def problem_detail(check: Check, where: str = "") -> dict[str, Any]:
    """RFC 9457 problem details for one failing check, with the spec's error type."""
    return {
        "type": check.problem_type
        or _DEFAULT_TYPES.get(check.id, SECURITY_VOCAB + "PROOF_VERIFICATION_ERROR"),
        "title": _TITLES.get(check.id, f"The {check.id} check did not pass"),
        "detail": f"{where}{check.detail}",
        "check": check.id,
    }


def _judge(checks: Iterable[Check], selection: CheckSelection, where: str = "") -> Verdict:
    verdict = Verdict(verified=True)
    proof_passed = False
    for check in checks:
        if check.outcome == "passed":
            verdict.passed.append(check.id)
            proof_passed = proof_passed or check.id == "proof"
        elif selection.enforces(check) and check.outcome in ("failed", "error"):
            verdict.errors.append(problem_detail(check, where))
        elif check.outcome in ("failed", "error"):
            verdict.warnings.append(f"{where}{check.detail}")
    if not proof_passed and not verdict.errors:
        missing = Check("proof", "failed", "no proof was verified")
        verdict.errors.append(problem_detail(missing, where))
    verdict.verified = not verdict.errors
    return verdict


def credential_verdict(report: VerificationReport, selection: CheckSelection) -> Verdict:
    verdict = _judge(report.checks, selection)
    verdict.warnings.extend(f"unknown check {name!r} ignored" for name in selection.unknown)
    return verdict


def presentation_verdict(
    report: PresentationReport, selection: CheckSelection
) -> tuple[Verdict, list[Verdict]]:
    """The presentation's own verdict (covering its credentials) and one per credential."""
    own = _judge(report.checks, selection)
    own.warnings.extend(f"unknown check {name!r} ignored" for name in selection.unknown)
    per_credential = [
        _judge(each.checks, selection, f"verifiableCredential[{index}]: ")
        for index, each in enumerate(report.credentials)
    ]
    for index, each in enumerate(per_credential):
        own.errors.extend(each.errors)
        own.warnings.extend(each.warnings)
        if each.verified:
            own.passed.append(f"verifiableCredential[{index}]")
    own.verified = not own.errors
    return own, per_credential
