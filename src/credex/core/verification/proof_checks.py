"""The `proof` and `key_binding` checks for Data Integrity proofs and VC-JWTs.

Key binding: the signing key must belong to the credential's issuer (its controller is the issuer
id, and it is listed under the issuer's `assertionMethod` — the resolver checks that part), and
it must not have been compromised before the signature was made (CID 1.0 `revoked` on the
verification method).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from credex.core.datetimes import parse_datetime_stamp
from credex.core.dids.resolver import resolve_verification_method
from credex.core.errors import CanonicalizationError, CoreError, ResolutionError
from credex.core.jwt import JwtResult
from credex.core.proofs import ProofResult, verify_proofs
from credex.core.verification.checks import issuer_id, note_compatibility
from credex.core.verification.context import VerifyContext
from credex.core.verification.report import Outcome, VerificationReport


def check_data_integrity(
    report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext
) -> ProofResult | None:
    if "proof" not in credential:
        report.add("proof", "failed", "the credential carries no proof")
        return None
    result = verify_proofs(
        credential, ctx.documents, expected_purpose="assertionMethod", now=ctx.clock
    )
    suites = (
        ", ".join(sorted({p.cryptosuite or p.type or "unknown" for p in result.proofs}))
        or "unknown"
    )
    if result.verified:
        report.add("proof", "passed", f"signature verified ({suites})")
        for warning in result.warnings:
            note_compatibility(report, warning)
    else:
        error = result.errors[0] if result.errors else None
        detail = error.detail if error else "the proof does not verify"
        if isinstance(error, CanonicalizationError):  # RDFC-1.0 poison: say so, then stop
            report.add("complexity", "failed", detail, problem_type=error.problem_type)
            detail = "not checked: the credential is too costly to canonicalize safely"
        report.add(
            "proof",
            failure_outcome(error),
            detail,
            problem_type=error.problem_type if error else None,
        )
    return result


def failure_outcome(error: CoreError | None) -> Outcome:
    """A key we could not obtain means we could not decide (`error`), not a bad credential."""
    return "error" if isinstance(error, ResolutionError) else "failed"


def check_di_key_binding(
    report: VerificationReport, credential: dict[str, Any], result: ProofResult, ctx: VerifyContext
) -> None:
    verified = [proof for proof in result.proofs if proof.verified]
    if not verified:
        report.add("key_binding", "skipped", "no verified proof to bind to the issuer")
        return
    issuer = issuer_id(credential)
    for proof in verified:
        problem = _binding_problem(
            issuer, proof.controller, proof.verification_method, proof.created, ctx
        )
        if problem:
            report.add("key_binding", "failed", problem)
            return
    report.add("key_binding", "passed", f"signed with a key of the issuer {issuer}")


def check_jwt_proof(report: VerificationReport, result: JwtResult) -> None:
    if result.verified:
        report.add("proof", "passed", f"VC-JWT signature verified ({result.header.get('alg')})")
        return
    error = result.errors[0] if result.errors else None
    detail = error.detail if error else "the VC-JWT does not verify"
    report.add(
        "proof", failure_outcome(error), detail, problem_type=error.problem_type if error else None
    )


def check_jwt_key_binding(
    report: VerificationReport, credential: dict[str, Any], result: JwtResult, ctx: VerifyContext
) -> None:
    if not result.verified:
        report.add("key_binding", "skipped", "no verified signature to bind to the issuer")
        return
    if result.verification_method is None:
        report.add(
            "key_binding",
            "failed",
            "the JWT carries its own key (jwk header): nothing binds it to the issuer",
            required=False,
        )
        return
    signed_at = result.payload.get("iat") or result.payload.get("nbf")
    created = datetime.fromtimestamp(signed_at, UTC) if isinstance(signed_at, int) else None
    problem = _binding_problem(
        issuer_id(credential), result.controller, result.verification_method, created, ctx
    )
    if problem:
        report.add("key_binding", "failed", problem)
    else:
        report.add(
            "key_binding", "passed", f"signed with a key of the issuer {issuer_id(credential)}"
        )


def _binding_problem(
    issuer: str | None,
    controller: str | None,
    method_id: str | None,
    created: datetime | None,
    ctx: VerifyContext,
) -> str | None:
    if issuer is None or controller != issuer:
        return f"the signing key belongs to {controller}, not to the issuer {issuer}"
    if method_id is None:
        return None
    return _compromise_problem(method_id, created, ctx)


def _compromise_problem(method_id: str, created: datetime | None, ctx: VerifyContext) -> str | None:
    """A key marked `revoked` (compromised) only invalidates what it signed from that time on."""
    try:
        method = resolve_verification_method(method_id, ctx.documents, purpose=None).method
    except CoreError:
        return None  # the proof check already resolved it; nothing more to learn
    revoked = method.get("revoked")
    if not isinstance(revoked, str):
        return None
    try:
        revoked_at = parse_datetime_stamp(revoked)
    except ValueError:
        return f"the key {method_id} is marked revoked (unreadable date {revoked!r})"
    if created is None or created >= revoked_at:
        return f"the key {method_id} was compromised from {revoked} and signed after that"
    return None
