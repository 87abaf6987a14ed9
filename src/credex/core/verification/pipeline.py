"""`verify_credential`: run every check on a credential, a VC-JWT or a baked badge image."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from credex.core.errors import CoreError
from credex.core.jwt import verify_jwt
from credex.core.verification import checks
from credex.core.verification.components import check_components
from credex.core.verification.context import TrustLookup, VerifyContext
from credex.core.verification.inputs import ParsedInput, parse_input
from credex.core.verification.proof_checks import (
    check_data_integrity,
    check_di_key_binding,
    check_jwt_key_binding,
    check_jwt_proof,
)
from credex.core.verification.report import VerificationReport


def verify_credential(
    data: dict[str, Any] | str | bytes,
    documents: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    *,
    email: str | None = None,
    trusted_issuer: TrustLookup | None = None,
) -> VerificationReport:
    """Verify anything that carries one credential; never raises for a bad credential.

    `documents` maps URLs (DID documents, controller documents, status list credentials) to
    JSON; without it only did:key and embedded material resolve and remote look-ups are `error`.
    """
    ctx = VerifyContext(documents=documents, now=now, email=email, trusted_issuer=trusted_issuer)
    return run(data, ctx)


def run(data: Any, ctx: VerifyContext) -> VerificationReport:
    report = VerificationReport()
    try:
        parsed = parse_input(data)
    except CoreError as exc:
        report.add("format", "failed", exc.detail, problem_type=exc.problem_type)
        return report
    report.container = parsed.container
    if parsed.seal is not None:
        report.add("seal", "passed" if parsed.seal.verified else "failed", parsed.seal.detail)
    if parsed.jwt is not None:
        _verify_jwt(report, parsed, ctx)
    elif parsed.credential is not None:
        _verify_ldp(report, parsed.credential, ctx)
    return report


def _verify_ldp(report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext) -> None:
    report.format = "ldp"
    report.credential = credential
    if not checks.check_complexity(report, credential):
        return
    checks.check_format(report, credential)
    if not checks.check_contexts(report, credential, signed=True):
        return
    result = check_data_integrity(report, credential, ctx)
    if report.check("complexity") is not None:
        return
    if result is not None:
        check_di_key_binding(report, credential, result, ctx)
    _common_checks(report, credential, ctx)


def _verify_jwt(report: VerificationReport, parsed: ParsedInput, ctx: VerifyContext) -> None:
    report.format = "jwt"
    assert parsed.jwt is not None
    result = verify_jwt(parsed.jwt, ctx.documents, now=ctx.clock)
    credential = result.credential
    if credential is None:
        error = result.errors[0] if result.errors else None
        report.add("format", "failed", error.detail if error else "unreadable VC-JWT")
        return
    report.credential = credential
    if not checks.check_complexity(report, credential):
        return
    checks.check_format(report, credential)
    # A JWS signs bytes, not an RDF graph: JSON-LD problems cannot hide data from the signature.
    if not checks.check_contexts(report, credential, signed=False):
        return
    check_jwt_proof(report, result)
    check_jwt_key_binding(report, credential, result, ctx)
    _common_checks(report, credential, ctx)


def _common_checks(
    report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext
) -> None:
    checks.check_issuer_trust(report, credential, ctx)
    checks.check_validity(report, credential, ctx)
    checks.check_status_entries(report, credential, ctx, run)
    checks.check_recipient(report, credential, ctx)
    checks.check_endorsements(report, credential, ctx, run)
    check_components(report, credential, ctx, run)
