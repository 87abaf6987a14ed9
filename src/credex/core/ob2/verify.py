"""`verify_ob2`: the OB 2.0 verification steps, check by check, for one assertion.

Input: an assertion object or JSON text, the compact JWS of a signed assertion, or the URL of a
hosted one. Checks, in order (ids shared with the OB 3.0 report where they mean the same):
`format` (well-formed assertion), `badge_class`, `issuer`, `proof` (hosted copy or JWS
signature), `origin` (hosted: the id is in the issuer's scope) or `key_binding` (signed: the
key is the issuer's), `status` (revocation), `validity` (issuedOn/expires), `recipient`.
A document that cannot be fetched leaves its check `error` (undecided), never `passed`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from credex.core.errors import ParsingError
from credex.core.jwt import looks_like_jws
from credex.core.ob2.documents import Documents, FetchJson, Malformed, Unavailable, is_http
from credex.core.ob2.hosted import HostedCopy, fetch_hosted, within_scope
from credex.core.ob2.recipient import recipient_outcome, validity_outcome
from credex.core.ob2.report import Ob2Report
from credex.core.ob2.shape import (
    assertion_problems,
    badge_class_problems,
    profile_problems,
    verification_method,
)
from credex.core.ob2.signed import check_revocation_list, check_signature, payload_of
from credex.core.verification.report import Outcome


def verify_ob2(
    data: Mapping[str, Any] | str | bytes,
    fetch_json: FetchJson,
    *,
    email: str | None = None,
    now: datetime | None = None,
) -> Ob2Report:
    """Verify an OB 2.0 assertion; never raises for a bad one."""
    report = Ob2Report()
    documents = Documents(fetch_json)
    given, token, fetched = _read(report, data, documents)
    if given is None:
        return report
    report.assertion, report.signed = given, token is not None
    problems = assertion_problems(given)
    method = verification_method(given)
    if problems or method is None:
        report.add("format", "failed", f"not a valid OB 2.0 assertion: {'; '.join(problems)}")
        return report
    report.method = method
    report.add("format", "passed", f"a well-formed Open Badges 2.0 assertion ({method})")
    hosted = None
    if method == "hosted":
        hosted = fetch_hosted(given, documents, compare=not fetched)
        if hosted.outcome == "same" and hosted.assertion is not None:
            report.assertion = hosted.assertion
    assertion = report.assertion
    issuer = _badge_and_issuer(report, assertion, documents)
    if hosted is not None:
        _hosted_checks(report, hosted, issuer)
    else:
        _signed_checks(report, token, assertion, issuer, documents)
    passed, detail = validity_outcome(assertion, now or datetime.now(UTC))
    report.add("validity", "passed" if passed else "failed", detail)
    if email:
        matched, detail = recipient_outcome(assertion, email)
        report.add("recipient", "passed" if matched else "failed", detail)
    else:
        report.add("recipient", "skipped", "no recipient given to compare", required=False)
    return report


class _Unreadable(Exception):
    def __init__(self, outcome: Outcome, detail: str) -> None:
        super().__init__(detail)
        self.outcome, self.detail = outcome, detail


def _read(
    report: Ob2Report, data: Mapping[str, Any] | str | bytes, documents: Documents
) -> tuple[dict[str, Any] | None, str | None, bool]:
    """(the assertion given, its JWS when signed, whether it was fetched from a URL)."""
    try:
        return _unwrap(data, documents)
    except _Unreadable as exc:
        report.add("format", exc.outcome, exc.detail)
        return None, None, False


def _unwrap(
    data: Mapping[str, Any] | str | bytes, documents: Documents
) -> tuple[dict[str, Any], str | None, bool]:
    if isinstance(data, Mapping):
        return dict(data), None, False
    try:
        text = (data.decode("utf-8-sig") if isinstance(data, bytes) else data).strip()
    except UnicodeDecodeError as exc:
        raise _Unreadable("failed", "the input is not UTF-8 text") from exc
    if looks_like_jws(text):
        try:
            return payload_of(text), text, False
        except ParsingError as exc:
            raise _Unreadable("failed", exc.detail) from exc
    if is_http(text):
        try:
            return documents.get(text), None, True
        except (Unavailable, Malformed) as exc:
            outcome: Outcome = "error" if isinstance(exc, Unavailable) else "failed"
            detail = f"the assertion could not be retrieved: {exc.detail}"
            raise _Unreadable(outcome, detail) from exc
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _Unreadable("failed", "not JSON, a compact JWS or an assertion URL") from exc
    if not isinstance(value, dict):
        raise _Unreadable("failed", "an assertion must be a JSON object")
    return value, None, False


def _badge_and_issuer(
    report: Ob2Report, assertion: Mapping[str, Any], documents: Documents
) -> dict[str, Any] | None:
    """Resolve the BadgeClass and its issuer Profile (adding their checks); the Profile."""
    badge = _resolve(report, "badge_class", "BadgeClass", assertion.get("badge"), documents)
    if badge is None:
        report.add("issuer", "skipped", "the issuer is named by the BadgeClass", required=False)
        return None
    label = f"BadgeClass {badge.get('id')}"
    passed = f"{label}: {badge.get('name')}"
    if not _well_formed(report, "badge_class", label, badge_class_problems(badge), passed):
        return None
    issuer = _resolve(report, "issuer", "issuer Profile", badge.get("issuer"), documents)
    if issuer is None:
        return None
    passed = f"issuer Profile {issuer.get('id')}: {issuer.get('name', '')}"
    ok = _well_formed(report, "issuer", "issuer Profile", profile_problems(issuer), passed)
    return issuer if ok else None


def _well_formed(
    report: Ob2Report, check_id: str, label: str, problems: list[str], passed: str
) -> bool:
    """Add the check: failed, naming the problems after `label`, or else `passed`."""
    if problems:
        report.add(check_id, "failed", f"{label}: {'; '.join(problems)}")
        return False
    report.add(check_id, "passed", passed)
    return True


def _resolve(
    report: Ob2Report, check_id: str, what: str, value: Any, documents: Documents
) -> dict[str, Any] | None:
    embedded = dict(value) if isinstance(value, Mapping) else None
    try:
        found = documents.resolve(value, what)
    except Unavailable as exc:
        report.add(check_id, "error", f"the {what} could not be retrieved: {exc.detail}")
        found = None
    except Malformed as exc:
        report.add(check_id, "failed", exc.detail)
        return None
    # Kept even when unconfirmed, so an undecided import can still be shown by name.
    if check_id == "badge_class":
        report.badge_class = found or embedded
    else:
        report.issuer = found or embedded
    return found


_HOSTED_PROOF: dict[str, Outcome] = {"same": "passed", "unavailable": "error"}


def _hosted_checks(report: Ob2Report, hosted: HostedCopy, issuer: Mapping[str, Any] | None) -> None:
    proof = _HOSTED_PROOF.get(hosted.outcome, "failed")
    report.add("proof", proof, hosted.detail)
    assertion_id = str((report.assertion or {}).get("id"))
    if issuer is None:
        report.add("origin", "skipped", "no issuer Profile to take the allowed origins from")
    else:
        inside, detail = within_scope(assertion_id, issuer)
        report.add("origin", "passed" if inside else "failed", detail)
    if hosted.outcome == "revoked":
        report.add("status", "failed", f"revoked: {hosted.detail}")
    elif hosted.outcome == "unavailable":
        report.add("status", "error", "the issuer's hosted copy could not be retrieved")
    elif hosted.outcome == "malformed":
        report.add("status", "skipped", "no hosted copy to read", required=False)
    else:
        report.add("status", "passed", "not revoked: the issuer still hosts it")


def _signed_checks(
    report: Ob2Report,
    token: str | None,
    assertion: Mapping[str, Any],
    issuer: Mapping[str, Any] | None,
    documents: Documents,
) -> None:
    if token is None:
        report.add("proof", "failed", "a signed assertion must be given as its signed JWS")
        report.add("key_binding", "skipped", "no signature to bind to the issuer")
    elif issuer is None:
        report.add("proof", "skipped", "the issuer Profile is needed to find the signing key")
        report.add("key_binding", "skipped", "no issuer Profile")
    else:
        result = check_signature(token, assertion, issuer, documents)
        report.add("proof", result.outcome, result.detail)
        report.add("key_binding", result.binding, result.binding_detail)
    if issuer is None:
        report.add("status", "skipped", "no issuer Profile to find a revocation list in")
        return
    revocation = check_revocation_list(assertion, issuer, documents)
    required = revocation.outcome != "skipped"
    report.add("status", revocation.outcome, revocation.detail, required=required)
