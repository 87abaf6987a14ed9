"""Verification as a service: one entry point for the API, the VC-API, the pages and the CLI.

`verify_submission` takes whatever the caller gave (a credential, a VC-JWT, a baked image, a
presentation, or a URL to fetch), runs the core pipeline with this service's documents (own
issuers and status lists from the database, everything else through the guarded fetcher) and
its trust list, and returns the report as JSON-ready data. A bad credential is a normal result;
only an unreadable request raises (in the router).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from credex.core.strict_json import loads_strict
from credex.core.verification import (
    PresentationReport,
    VerificationReport,
    summarize_credential,
    verify_credential,
    verify_presentation,
)
from credex.settings import Settings
from credex.verification.addresses import AddressPolicy
from credex.verification.documents import VerificationDocuments
from credex.verification.fetcher import FetchError, GuardedFetcher
from credex.verification.repository import public_credential_content
from credex.verification.sd_jwt_vc import SdJwtChecker, looks_like_sd_jwt, sd_jwt_summary
from credex.verification.standing import standing_of_report
from credex.verification.trust import TrustResolver, accreditation_check

InputKind = Literal["credential", "jwt", "url", "file", "presentation"]
Payload = dict[str, Any] | str | bytes


@dataclass(frozen=True)
class Submission:
    kind: InputKind
    data: Payload
    email: str | None = None
    challenge: str | None = None
    domain: str | None = None


def make_fetcher(settings: Settings) -> GuardedFetcher:
    return GuardedFetcher(policy=AddressPolicy(allow_private=settings.fetch_allow_private))


def is_presentation(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    types = value.get("type")
    return "VerifiablePresentation" in (types if isinstance(types, list) else [types])


def _mark_suspended(checks: list[dict[str, Any]]) -> None:
    """The status check fails for a credential its issuer suspended (the record says so)."""
    detail = "suspended by its issuer (this service's record)"
    for check in checks:
        if check["id"] == "status":
            check.update(outcome="failed", detail=detail, required=True)
            return
    checks.append({"id": "status", "outcome": "failed", "detail": detail, "required": True})


def _text_of(payload: Payload) -> str | None:
    if isinstance(payload, str):
        return payload
    if isinstance(payload, bytes) and len(payload) < 1_000_000:
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _json_object(payload: Payload) -> dict[str, Any] | None:
    if isinstance(payload, dict):
        return payload
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    if not text.lstrip().startswith("{"):
        return None
    try:
        value = loads_strict(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class Verifier:
    """One request's verification: documents and trust answers are shared by every credential."""

    def __init__(
        self,
        session: Session | None,
        settings: Settings,
        fetcher: GuardedFetcher | None,
        now: datetime | None = None,
        pinned: Mapping[str, Any] | None = None,
    ) -> None:
        self.session = session
        self.settings = settings
        self.fetcher = fetcher
        self.now = now
        self.documents = VerificationDocuments(session, settings, fetcher, pinned)
        self.trust = TrustResolver(session, settings, now)
        base = re.escape(settings.base_url)
        self._own_credential = re.compile(rf"^{base}/credentials/([0-9a-fA-F-]{{36}})/?$")

    def verify(self, submission: Submission) -> dict[str, Any]:
        checked_at = self.now or datetime.now(UTC)
        payload: Payload | None = submission.data
        problem = None
        if submission.kind == "url":
            payload, problem = self._retrieve(str(submission.data))
        if payload is None:
            report = VerificationReport()
            report.add("format", "error", str(problem))
            result = self.credential_result(report)
        else:
            presentation = _json_object(payload)
            text = _text_of(payload)
            if text is not None and looks_like_sd_jwt(text):
                report, _claims = self.sd_jwt.check(
                    text, nonce=submission.challenge, audience=submission.domain
                )
                result = self.credential_result(report)
            elif is_presentation(presentation):
                result = self.presentation_result(
                    verify_presentation(
                        presentation,
                        self.documents,
                        self.now,
                        domain=submission.domain,
                        challenge=submission.challenge,
                        trusted_issuer=self.trust,
                    )
                )
            else:
                result = self.credential_result(self.run(payload, email=submission.email))
        result["input"] = submission.kind
        result["checked_at"] = checked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return result

    @property
    def sd_jwt(self) -> SdJwtChecker:
        return SdJwtChecker(self)

    def run(self, payload: Payload, *, email: str | None = None) -> VerificationReport:
        return verify_credential(
            payload, self.documents, self.now, email=email, trusted_issuer=self.trust
        )

    def _retrieve(self, url: str) -> tuple[Payload | None, str | None]:
        """The document at `url`: our own public credentials from the database, else fetched."""
        own = self._own_credential.match(url)
        if own and self.session is not None:
            try:
                content = public_credential_content(self.session, uuid.UUID(own.group(1)))
            except ValueError:
                content = None
            if content is None:
                return None, "there is no public credential at this address"
            return content, None
        if self.fetcher is None:
            return None, "web addresses are not fetched when verifying offline"
        try:
            return self.fetcher.fetch(url).content, None
        except FetchError as exc:  # its message names the URL: say what happened instead
            return None, _fetch_problem(url, exc)

    def credential_result(self, report: VerificationReport) -> dict[str, Any]:
        summary = None
        if report.credential:
            summary = (
                sd_jwt_summary(report.credential)
                if report.format == "sd-jwt"
                else summarize_credential(report.credential)
            )
        if summary is not None and report.check("accreditation") is None:
            accreditation_check(report, self.trust.trust(summary["issuer"]["id"]))
        body = report.to_dict()
        issuer_name = summary["issuer"]["name"] if summary else None
        checks = body["checks"]
        standing = standing_of_report(checks, issuer_name)
        if standing.state in ("revoked", "active", "no_status") and summary is not None:
            record = self._revocation(summary["id"])
            if record and record["suspended"] and standing.state != "revoked":
                _mark_suspended(checks)
                body["verified"] = False
            standing = standing_of_report(checks, issuer_name, record)
        if summary is not None:
            summary["issuer"]["trust"] = self.trust.trust(summary["issuer"]["id"]).to_dict()
            summary["status"] = standing.to_dict()
        body["credential"] = summary
        body["standing"] = standing.to_dict()
        body["endorsements"] = [
            self.endorsement_result(nested) for nested in report.nested.get("endorsements", [])
        ]
        return body

    def _revocation(self, credential_id: str | None) -> dict[str, Any] | None:
        """When and why credex revoked one of its own credentials (the public reason only)."""
        own = self._own_credential.match(credential_id or "")
        if own is None or self.session is None:
            return None
        from credex.verification.revocations import public_revocation

        try:
            return public_revocation(self.session, uuid.UUID(own.group(1)))
        except ValueError:
            return None

    def endorsement_result(self, report: VerificationReport) -> dict[str, Any]:
        """An embedded endorsement's own report, plus who endorsed what, in words."""
        body = self.credential_result(report)
        body["endorsement"] = endorsement_summary(report, body["standing"]["state"])
        return body

    def presentation_result(self, report: PresentationReport) -> dict[str, Any]:
        body = report.to_dict()
        body["credentials"] = [self.credential_result(each) for each in report.credentials]
        body["credential"] = None
        return body


def _fetch_problem(url: str, exc: FetchError) -> str:
    if not url.startswith(("https://", "http://")):
        return "only http and https addresses are fetched"
    if exc.status is not None:
        return f"the credential could not be retrieved (HTTP {exc.status})"
    return "the credential could not be retrieved from that address"


def endorsement_summary(report: VerificationReport, standing: str) -> dict[str, Any] | None:
    """`{"endorser", "endorsed", "comment", "state", "words"}`; state `withdrawn` when the
    endorser set its status bit, `not verified` when it does not verify, else `active`."""
    credential = report.credential
    if not credential:
        return None
    summary = summarize_credential(credential)
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    endorser = summary["issuer"]["name"] or summary["issuer"]["id"] or "an unnamed endorser"
    endorsed = subject.get("id") if isinstance(subject.get("id"), str) else None
    comment = subject.get("endorsementComment")
    if standing in ("revoked", "suspended"):
        state = "withdrawn"
    elif not report.verified:
        state = "not verified"
    else:
        state = "active"
    words = f"Endorsed by {endorser}" + (f" ({endorsed})" if endorsed else "")
    if state != "active":
        words += f": {state}"
    return {
        "endorser": endorser,
        "endorsed": endorsed,
        "comment": comment if isinstance(comment, str) else None,
        "state": state,
        "words": words,
    }


def status_summary(report: VerificationReport) -> dict[str, str]:
    """The credential's standing in words: active, revoked, suspended, expired, not yet valid."""
    validity = report.check("validity")
    status = report.check("status")
    if status is not None and status.outcome == "failed":
        state = status.detail.split(":", 1)[0].split()[0]
        return {"state": state, "detail": status.detail}
    if validity is not None and validity.outcome == "failed":
        state = "expired" if validity.detail.startswith("expired") else "not yet valid"
        return {"state": state, "detail": validity.detail}
    if status is not None and status.outcome == "error":
        return {"state": "unknown", "detail": status.detail}
    if status is None or status.outcome == "skipped":
        return {"state": "no status information", "detail": "the issuer publishes no status"}
    return {"state": "active", "detail": status.detail}


def verify_submission(
    session: Session | None,
    settings: Settings,
    submission: Submission,
    *,
    fetcher: GuardedFetcher | None,
    now: datetime | None = None,
    pinned: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`pinned`: documents by id (DID documents, status lists) that the caller vouches for."""
    return Verifier(session, settings, fetcher, now, pinned).verify(submission)
