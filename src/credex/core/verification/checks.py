"""The individual checks of a verification run, in the order a report lists them.

Each function appends its outcome(s) to the report and never raises for a bad credential: a bad
credential is a normal result. Spec references: OB 3.0 §Verification
(https://www.imsglobal.org/spec/ob/v3p0/#verification), VC DM 2.0, Data Integrity §4, BSL §3.2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from credex.core.canon import check_no_data_loss
from credex.core.credentials.identity import identity_matches
from credex.core.credentials.schema import (
    check_subject_rule,
    is_open_badge_credential,
    validate_ob_schema,
)
from credex.core.credentials.vocab import OB_SCHEMA_VALIDATOR_TYPE
from credex.core.elm.identity import elm_identity_matches
from credex.core.errors import CanonicalizationError, CoreError
from credex.core.jsonld import is_known_context
from credex.core.limits import check_document
from credex.core.status_list import check_status
from credex.core.vcdm import validate_credential, validity_window
from credex.core.verification.context import MAX_DEPTH, VerifyContext
from credex.core.verification.report import CheckLog, VerificationReport

Verifier = Callable[[Any, VerifyContext], VerificationReport]
_STATUS_TYPES = ("BitstringStatusListEntry", "StatusList2021Entry")
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def party_id(party: Any) -> str | None:
    """The id of an issuer or holder given as a URL or as an object with an `id`."""
    if isinstance(party, dict):
        party = party.get("id")
    return party if isinstance(party, str) else None


def issuer_id(credential: dict[str, Any]) -> str | None:
    return party_id(credential.get("issuer"))


def check_complexity(report: CheckLog, document: Any) -> bool:
    """Refuse, before any JSON-LD work, a document over the work limits (`credex.core.limits`).

    Returns False (and records a failed `complexity` check) when the run must stop there.
    """
    try:
        check_document(document)
    except CoreError as exc:
        report.add("complexity", "failed", exc.detail, problem_type=exc.problem_type)
        return False
    return True


def note_compatibility(report: VerificationReport, note: str) -> None:
    """A warning that the credential uses an older form credex still accepts (VC DM 1.1,
    legacy cryptosuites, a bare did:key), as 1EdTech's OB 3.0 validator does: one
    `compatibility` check, not required, listing every such note."""
    existing = report.check("compatibility")
    if existing is None:
        report.add("compatibility", "failed", note, required=False)
    elif note not in existing.detail:
        existing.detail += f"; {note}"


def is_vc_1_1(credential: dict[str, Any]) -> bool:
    contexts = as_list(credential.get("@context"))
    return bool(contexts) and contexts[0] == VC_V1_CONTEXT


def check_format(report: VerificationReport, credential: dict[str, Any]) -> None:
    """VC DM structure, then (for Open Badges) the official JSON Schema and the subject rule."""
    problems = validate_credential(credential)
    if problems:
        shown = "; ".join(f"{p.pointer or '/'}: {p.detail}" for p in problems[:5])
        report.add("format", "failed", f"not a valid Verifiable Credential: {shown}")
        return
    report.add("format", "passed", "a well-formed Verifiable Credential")
    legacy = is_vc_1_1(credential)
    if legacy:
        note_compatibility(report, "a VC Data Model 1.1 credential (VC Data Model 2.0 is current)")
    if not is_open_badge_credential(credential):
        return
    subject_problem = check_subject_rule(credential)
    if subject_problem:
        report.add("ob_schema", "failed", subject_problem)
        return
    declared = any(
        isinstance(entry, dict) and entry.get("type") == OB_SCHEMA_VALIDATOR_TYPE
        for entry in as_list(credential.get("credentialSchema"))
    )
    errors = validate_ob_schema(credential)
    if not errors:
        report.add("ob_schema", "passed", "valid against the Open Badges 3.0 JSON Schema")
    else:
        # OB 3.0 makes the schema binding only when the credential declares it (VCCS-10); the
        # schema describes VC DM 2.0, so a VC DM 1.1 credential only gets the warning.
        report.add(
            "ob_schema",
            "failed",
            "Open Badges 3.0 JSON Schema: " + "; ".join(errors[:3]),
            required=declared and not legacy,
        )


def check_contexts(report: VerificationReport, credential: dict[str, Any], *, signed: bool) -> bool:
    """Only contexts credex ships are used, and nothing is dropped by JSON-LD expansion.

    Returns False when the graph is too costly to canonicalize (RDFC-1.0 poison): a failed
    `complexity` check is recorded and the run must stop rather than canonicalize it again.
    """
    unknown = [
        c
        for c in as_list(credential.get("@context"))
        if isinstance(c, str) and not is_known_context(c)
    ]
    if unknown:
        report.add(
            "contexts",
            "error" if signed else "failed",
            f"unknown JSON-LD context(s): {', '.join(unknown)}",
            required=signed,
        )
        return True
    try:
        # The proof is checked by proof verification (its options are canonicalized there);
        # the rest is exactly what the proof secures, so that canonicalization is reused.
        check_no_data_loss({key: value for key, value in credential.items() if key != "proof"})
    except CanonicalizationError as exc:
        report.add("complexity", "failed", exc.detail, problem_type=exc.problem_type)
        return False
    except CoreError as exc:
        report.add("contexts", "failed", exc.detail, required=signed, problem_type=exc.problem_type)
        return True
    report.add("contexts", "passed", "all contexts known; no data lost in JSON-LD expansion")
    return True


def check_issuer_trust(
    report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext
) -> None:
    issuer = issuer_id(credential)
    label = ctx.trusted_issuer(issuer) if (ctx.trusted_issuer and issuer) else None
    if label:
        report.add("issuer", "passed", f"{issuer}: {label}")
    elif issuer is None:
        report.add("issuer", "failed", "the credential names no issuer", required=False)
    else:
        report.add(
            "issuer",
            "failed",
            f"issuer {issuer} is not one this service knows or trusts",
            required=False,
        )


def check_validity(
    report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext
) -> None:
    try:
        valid_from, valid_until = validity_window(credential)
    except ValueError as exc:
        report.add("validity", "failed", f"unreadable validity dates: {exc}")
        return
    now = ctx.clock
    if valid_from and now < valid_from:
        report.add("validity", "failed", f"not valid before {valid_from.isoformat()}")
    elif valid_until and now > valid_until:
        report.add("validity", "failed", f"expired on {valid_until.isoformat()}")
    elif valid_from or valid_until:
        report.add("validity", "passed", "within its validity period")
    else:
        report.add("validity", "passed", "no validity period stated")


def check_status_entries(
    report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext, verify: Verifier
) -> None:
    entries = as_list(credential.get("credentialStatus"))
    if not entries:
        report.add("status", "skipped", "the credential has no status information", required=False)
        return
    for entry in entries:
        _check_one_status(report, entry, ctx, verify)


def _check_one_status(
    report: VerificationReport, entry: Any, ctx: VerifyContext, verify: Verifier
) -> None:
    kinds = as_list(entry.get("type")) if isinstance(entry, dict) else []
    # An ELM credential types its entry ["CredentialStatus", "BitstringStatusListEntry"].
    kind = next((k for k in kinds if k in _STATUS_TYPES), kinds[0] if len(kinds) == 1 else kinds)
    if kind not in _STATUS_TYPES:
        report.add("status", "error", f"status type {kind!r} is not supported")
        return
    url = entry.get("statusListCredential")
    try:
        list_credential = ctx.document(url) if isinstance(url, str) else None
    except Exception as exc:  # a lazy mapping that fetches may fail; say why, don't crash
        report.add("status", "error", f"status list {url} could not be retrieved: {exc}")
        return
    if not isinstance(list_credential, dict):
        report.add("status", "error", f"status list {url} could not be retrieved")
        return
    if ctx.depth >= MAX_DEPTH:
        report.add("status", "error", "status list nesting too deep")
        return
    list_report = verify(list_credential, ctx.deeper())
    report.nested.setdefault("status_lists", []).append(list_report)
    if not list_report.verified:
        failed = [c.detail for c in list_report.checks if c.required and c.outcome != "passed"]
        report.add("status", "error", f"status list {url} does not verify: {'; '.join(failed[:2])}")
        return
    try:
        result = check_status(entry, list_credential)
    except CoreError as exc:
        report.add("status", "error", exc.detail, problem_type=exc.problem_type)
        return
    if result.purpose == "message":  # BSL §2.1: a message to show, not a verdict
        report.add("status", "passed", f"status message: {result.message} ({url})")
    elif result.valid:
        report.add("status", "passed", f"not {_purpose_word(result.purpose)} ({url})")
    else:
        message = f": {result.message}" if result.message not in (None, "set") else ""
        report.add("status", "failed", f"{_purpose_word(result.purpose)}{message}")


def _purpose_word(purpose: str) -> str:
    return {"revocation": "revoked", "suspension": "suspended"}.get(purpose, purpose)


def check_recipient(
    report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext
) -> None:
    if not ctx.email:
        report.add("recipient", "skipped", "no recipient given to compare", required=False)
        return
    for subject in as_list(credential.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        if subject.get("id") == f"mailto:{ctx.email}":
            report.add("recipient", "passed", "the subject id is this email address")
            return
        for identity in as_list(subject.get("identifier")):
            if isinstance(identity, dict) and (
                identity_matches(identity, ctx.email) or elm_identity_matches(identity, ctx.email)
            ):
                report.add("recipient", "passed", "the email matches the recipient identifier")
                return
    report.add("recipient", "failed", "the email does not match the credential's recipient")


def check_endorsements(
    report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext, verify: Verifier
) -> None:
    endorsements = as_list(credential.get("endorsement")) + as_list(
        credential.get("endorsementJwt")
    )
    if not endorsements:
        return
    if ctx.depth >= MAX_DEPTH:
        report.add("endorsements", "skipped", "endorsements nested too deep", required=False)
        return
    reports = [verify(endorsement, ctx.deeper()) for endorsement in endorsements]
    report.nested["endorsements"] = reports
    bad = sum(not r.verified for r in reports)
    if bad:
        report.add(
            "endorsements",
            "failed",
            f"{bad} of {len(reports)} endorsement(s) do not verify",
            required=False,
        )
    else:
        report.add("endorsements", "passed", f"{len(reports)} endorsement(s) verified")
