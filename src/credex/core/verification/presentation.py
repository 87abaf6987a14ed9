"""`verify_presentation`: the presentation's own checks, then every credential it carries.

VC DM 2.0 §4.13 and Data Integrity §4.4: the presentation must be well formed, its proof must
verify for the `authentication` purpose (with the verifier's `domain` and `challenge` when it
sent them), and a `holder`, when stated, must be who signed it. Each embedded credential runs
through the full credential pipeline; one that carries no proof of its own is accepted only as
a self-asserted claim of the holder: its issuer is the holder, who signed the presentation
(VC DM 2.0 §4.13.4 "Presentations Including Holder Claims").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from credex.core.errors import CanonicalizationError, CoreError
from credex.core.limits import current as current_limits
from credex.core.proofs import ProofResult, verify_proofs
from credex.core.vcdm import validate_presentation
from credex.core.verification import checks
from credex.core.verification.context import TrustLookup, VerifyContext
from credex.core.verification.pipeline import run
from credex.core.verification.proof_checks import failure_outcome
from credex.core.verification.report import Check, CheckLog, VerificationReport


@dataclass
class PresentationReport(CheckLog):
    credentials: list[VerificationReport] = field(default_factory=list)
    holder: str | None = None

    @property
    def verified(self) -> bool:
        """The presentation verifies and so does every credential in it."""
        return self.own_checks_pass and all(report.verified for report in self.credentials)

    def to_dict(self) -> dict[str, Any]:
        return self.report_dict(format="presentation", holder=self.holder) | {
            "credentials": [report.to_dict() for report in self.credentials]
        }


def verify_presentation(
    presentation: Any,
    documents: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    *,
    domain: str | None = None,
    challenge: str | None = None,
    trusted_issuer: TrustLookup | None = None,
) -> PresentationReport:
    """Verify a presentation and its credentials; never raises for a bad presentation."""
    report = PresentationReport()
    if not checks.check_complexity(report, presentation):
        return report
    entries = (
        checks.as_list(presentation.get("verifiableCredential"))
        if isinstance(presentation, dict)
        else []
    )
    most = current_limits().max_presentation_credentials
    if len(entries) > most:
        report.add(
            "complexity",
            "failed",
            f"refused as too costly to process safely: more than {most} credentials in one "
            "presentation (limit CREDEX_MAX_PRESENTATION_CREDENTIALS)",
        )
        return report
    problems = validate_presentation(presentation)
    if problems:
        shown = "; ".join(f"{p.pointer or '/'}: {p.detail}" for p in problems[:5])
        code = problems[0].code
        problem_type = CoreError("", code=code).problem_type
        report.add(
            "format", "failed", f"not a valid presentation: {shown}", problem_type=problem_type
        )
        return report
    assert isinstance(presentation, dict)
    report.holder = checks.party_id(presentation.get("holder"))
    report.add("format", "passed", "a well-formed Verifiable Presentation")
    if not _check_contexts(report, presentation):
        return report
    ctx = VerifyContext(documents=documents, now=now, trusted_issuer=trusted_issuer)
    signer = _check_proof(report, presentation, ctx, domain, challenge)
    if report.check("complexity") is not None:
        return report
    _check_holder(report, signer)
    for entry in entries:
        report.credentials.append(_verify_embedded(entry, ctx, report.holder, signer))
    return report


def _check_contexts(report: PresentationReport, presentation: dict[str, Any]) -> bool:
    scratch = VerificationReport()
    proceed = checks.check_contexts(scratch, presentation, signed=True)
    report.checks.extend(scratch.checks)
    return proceed


def _check_proof(
    report: PresentationReport,
    presentation: dict[str, Any],
    ctx: VerifyContext,
    domain: str | None,
    challenge: str | None,
) -> str | None:
    """The presentation's proof; returns the signer (the key's controller) when it verified."""
    if presentation.get("proof") is None:
        report.add("proof", "failed", "the presentation carries no proof")
        return None
    result: ProofResult = verify_proofs(
        presentation,
        ctx.documents,
        expected_purpose="authentication",
        domain=domain,
        challenge=challenge,
        now=ctx.clock,
    )
    if not result.verified:
        error = result.errors[0] if result.errors else None
        if isinstance(error, CanonicalizationError):  # RDFC-1.0 poison: say so, then stop
            report.add("complexity", "failed", error.detail, problem_type=error.problem_type)
            report.add("proof", "failed", "not checked: too costly to canonicalize safely")
            return None
        report.add(
            "proof",
            failure_outcome(error),
            error.detail if error else "the presentation's proof does not verify",
            problem_type=error.problem_type if error else None,
        )
        return None
    controllers = {proof.controller for proof in result.proofs if proof.controller}
    report.add("proof", "passed", f"presentation signed by {', '.join(sorted(controllers))}")
    return next(iter(controllers)) if len(controllers) == 1 else None


def _check_holder(report: PresentationReport, signer: str | None) -> None:
    if report.holder is None:
        report.add("holder", "skipped", "the presentation names no holder", required=False)
    elif signer is None:
        report.add("holder", "skipped", "no verified proof to bind to the holder")
    elif signer == report.holder:
        report.add("holder", "passed", f"signed by its holder {report.holder}")
    else:
        report.add("holder", "failed", f"signed by {signer}, not by its holder {report.holder}")


def _verify_embedded(
    entry: Any, ctx: VerifyContext, holder: str | None, signer: str | None
) -> VerificationReport:
    credential_report = run(entry, ctx)
    if isinstance(entry, dict) and "proof" not in entry and credential_report.format == "ldp":
        _judge_holder_claim(credential_report, entry, holder, signer)
    return credential_report


def _judge_holder_claim(
    report: VerificationReport, credential: dict[str, Any], holder: str | None, signer: str | None
) -> None:
    """An unsigned credential is secured only by the presentation: it must be the holder's own."""
    proof = report.check("proof")
    if proof is None:
        return
    issuer = checks.issuer_id(credential)
    if holder is None:
        proof.detail = (
            "the credential has no proof of its own, and the presentation names no holder "
            "(a self-asserted credential needs one)"
        )
    elif issuer != holder:
        proof.detail = f"the credential has no proof and its issuer {issuer} is not the holder"
    elif signer != holder:
        proof.detail = "the credential has no proof and the holder did not sign the presentation"
    else:
        proof.outcome = "passed"
        proof.detail = "a claim of the holder, secured by the presentation's proof"
        binding = Check("key_binding", "passed", "issued by the holder who signed the presentation")
        report.checks.insert(report.checks.index(proof) + 1, binding)
