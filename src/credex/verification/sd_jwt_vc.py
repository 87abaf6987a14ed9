"""Verifying SD-JWT VCs (draft-ietf-oauth-sd-jwt-vc-18) and SD-JWT+KB presentations of them.

Checked like any credential, with the same named checks and the same standing words:
- format: an SD-JWT whose header `typ` is `dc+sd-jwt` (or the transitional `vc+sd-jwt`);
- proof: the issuer's signature (keys from JWT VC Issuer Metadata, SD-JWT VC §4: credex's own
  issuers from the database, others from `/.well-known/jwt-vc-issuer/<path>` through the guarded
  fetcher) and every Disclosure digest (RFC 9901 §7.1): a changed Disclosure fails here;
- holder: the Key Binding JWT (§7.3) against `cnf.jwk`, with the expected `nonce` and `aud`
  when the caller gives them (OpenID4VP), required when the caller says so;
- validity (`exp`, `nbf`), status (IETF Token Status List, `status.status_list`), issuer trust.
The claims come back too, so an OpenID4VP answer can be held against its DCQL query.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from credex.core.errors import CoreError
from credex.core.jose import unverified_header
from credex.core.sdjwt import SdJwt, VerifiedSdJwt, verify_sd_jwt
from credex.core.token_status import read_status_list_token
from credex.core.verification.report import VerificationReport
from credex.core.verification.summary import summarize_credential, text_of
from credex.verification.fetcher import FetchError

SD_JWT_TYPES = ("dc+sd-jwt", "vc+sd-jwt")
STATUS_WORDS = {0: None, 1: "revoked", 2: "suspended"}
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def looks_like_sd_jwt(value: object) -> bool:
    """`<JWS>~…`: an SD-JWT (never a VC-JWT, which has no `~`)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return "~" in text and bool(_JWS.match(text.split("~", 1)[0]))


class SdJwtChecker:
    """Verifies SD-JWT VCs for one `Verifier` (its session, settings, fetcher, trust)."""

    def __init__(self, verifier: Any) -> None:
        self.verifier = verifier
        base = re.escape(verifier.settings.base_url)
        self._own_issuer = re.compile(rf"^{base}/issuers/([0-9a-fA-F-]{{36}})$")
        self._own_list = re.compile(rf"^{base}/token-status-lists/([0-9a-fA-F-]{{36}})$")

    def check(
        self,
        text: str,
        *,
        nonce: str | None = None,
        audience: str | None = None,
        require_key_binding: bool = False,
    ) -> tuple[VerificationReport, dict[str, Any] | None]:
        report = VerificationReport()
        report.format = "sd-jwt"
        report.container = "text"
        try:
            parsed = SdJwt.parse(text.strip())
            header = unverified_header(parsed.jws)
        except CoreError:
            report.add("format", "failed", "it looks like an SD-JWT but its parts cannot be read")
            return report, None
        if header.get("typ") not in SD_JWT_TYPES:
            report.add("format", "failed", "an SD-JWT VC's header must say typ dc+sd-jwt")
            return report, None
        report.add("format", "passed", "a well-formed SD-JWT VC")
        try:
            verified = verify_sd_jwt(
                text.strip(),
                self._issuer_key,
                typ=SD_JWT_TYPES,
                require_key_binding=require_key_binding,
                audience=audience,
                nonce=nonce,
                now=self.verifier.now,
            )
        except CoreError as exc:
            self._explain(report, exc.detail)
            return report, None
        report.credential = verified.claims
        report.add("proof", "passed", "signed by the issuer; every disclosed claim is unchanged")
        if verified.key_binding is not None:
            report.add("holder", "passed", "presented by the holder of the credential's key")
        else:
            report.add("holder", "skipped", "no key binding was presented", required=False)
        report.add("validity", "passed", "within its validity period")
        self._status(report, verified)
        issuer = str(verified.claims.get("iss") or "")
        trust = self.verifier.trust.trust(issuer)
        known = trust.kind != "unknown"
        report.add(
            "issuer",
            "passed" if known else "failed",
            trust.label if known else "the issuer is not on this service's trusted list",
            required=False,
        )
        return report, verified.claims

    def _explain(self, report: VerificationReport, detail: str) -> None:
        lowered = detail.lower()
        if "kb-jwt" in lowered or "key binding" in lowered:
            report.add(
                "proof", "passed", "signed by the issuer; every disclosed claim is unchanged"
            )
            report.add("holder", "failed", detail)
        elif "expired" in lowered or "not yet valid" in lowered or "nbf" in lowered:
            report.add("proof", "passed", "signed by the issuer")
            report.add("validity", "failed", detail)
        else:
            report.add("proof", "failed", detail)

    def _issuer_key(self, header: dict[str, Any], payload: dict[str, Any]) -> Mapping[str, Any]:
        issuer = payload.get("iss")
        if not isinstance(issuer, str):
            raise CoreError("the SD-JWT VC names no issuer (iss)", code="PROOF_VERIFICATION_ERROR")
        keys = self._issuer_keys(issuer)
        kid = header.get("kid")
        chosen = [key for key in keys if kid is None or key.get("kid") == kid]
        if not chosen:
            raise CoreError(
                "the issuer publishes no key with this kid", code="PROOF_VERIFICATION_ERROR"
            )
        return chosen[0]

    def _issuer_keys(self, issuer: str) -> list[dict[str, Any]]:
        own = self._own_issuer.match(issuer)
        session, settings = self.verifier.session, self.verifier.settings
        if own and session is not None:
            from credex.keys.signer import issuer_public_jwks

            return issuer_public_jwks(session, uuid.UUID(own.group(1)), settings)
        metadata = self._fetch_json(_metadata_url(issuer))
        if metadata.get("issuer") != issuer:
            raise CoreError(
                "the issuer metadata is for another issuer", code="PROOF_VERIFICATION_ERROR"
            )
        jwks = metadata.get("jwks")
        keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(keys, list):
            raise CoreError("the issuer metadata lists no keys", code="PROOF_VERIFICATION_ERROR")
        return [key for key in keys if isinstance(key, dict)]

    def _fetch_json(self, url: str) -> dict[str, Any]:
        fetcher = self.verifier.fetcher
        if fetcher is None:
            raise CoreError(
                "the issuer's keys are not fetched offline", code="PROOF_VERIFICATION_ERROR"
            )
        try:
            value = json.loads(fetcher.fetch(url).content)
        except (FetchError, ValueError) as exc:
            raise CoreError(
                "the issuer's keys could not be retrieved", code="PROOF_VERIFICATION_ERROR"
            ) from exc
        if not isinstance(value, dict):
            raise CoreError(
                "the issuer metadata is not a JSON object", code="PROOF_VERIFICATION_ERROR"
            )
        return value

    def _status(self, report: VerificationReport, verified: VerifiedSdJwt) -> None:
        status = verified.claims.get("status")
        entry = status.get("status_list") if isinstance(status, Mapping) else None
        if not isinstance(entry, Mapping):
            report.add(
                "status", "skipped", "the credential has no status information", required=False
            )
            return
        uri, index = entry.get("uri"), entry.get("idx")
        if not isinstance(uri, str) or not isinstance(index, int):
            report.add("status", "error", "the status entry is malformed")
            return
        try:
            token = self._status_token(uri)
            kid = unverified_header(token).get("kid")
            issuer = str(verified.claims.get("iss"))
            key = next(k for k in self._issuer_keys(issuer) if kid is None or k.get("kid") == kid)
            now = self.verifier.now or datetime.now(UTC)
            value = read_status_list_token(token, key, uri=uri, now=now).status(index)
        except (CoreError, StopIteration, FetchError) as exc:
            detail = (
                exc.detail if isinstance(exc, CoreError) else "its status list could not be read"
            )
            report.add("status", "error", detail)
            return
        word = STATUS_WORDS.get(value, "revoked")
        if word is None:
            report.add("status", "passed", "not revoked or suspended (Token Status List)")
        else:
            report.add("status", "failed", f"{word} by its issuer (Token Status List)")

    def _status_token(self, uri: str) -> str:
        own = self._own_list.match(uri)
        session, settings = self.verifier.session, self.verifier.settings
        if own and session is not None:
            from credex.status_lists.service import signed_token_list

            return str(signed_token_list(session, uuid.UUID(own.group(1)), settings).text)
        if self.verifier.fetcher is None:
            raise CoreError("status lists are not fetched offline", code="STATUS_RETRIEVAL_ERROR")
        content: bytes = self.verifier.fetcher.fetch(uri).content
        return content.decode("ascii", "replace").strip()


def _metadata_url(issuer: str) -> str:
    """SD-JWT VC §4.2: `/.well-known/jwt-vc-issuer` inserted between the host and the path."""
    scheme, _, rest = issuer.partition("://")
    host, _, path = rest.partition("/")
    return f"{scheme}://{host}/.well-known/jwt-vc-issuer" + (f"/{path}" if path else "")


def sd_jwt_summary(claims: Mapping[str, Any]) -> dict[str, Any]:
    """The report's summary for an SD-JWT VC: OB-shaped claims as usual, EUDI flat claims too."""
    summary = summarize_credential({key: value for key, value in claims.items() if key != "type"})
    summary["types"] = [str(claims.get("vct"))]
    summary["id"] = claims.get("jti") if isinstance(claims.get("jti"), str) else None
    issuer = summary["issuer"]
    issuer["id"] = claims.get("iss") if isinstance(claims.get("iss"), str) else issuer["id"]
    issuer["name"] = text_of(claims.get("issuing_authority")) or issuer["name"]
    issuer["country"] = text_of(claims.get("issuing_country")) or issuer["country"]
    names = [text_of(claims.get(key)) for key in ("given_name", "family_name")]
    if any(names):
        summary["learner"]["name"] = " ".join(name for name in names if name)
    achievement = summary["achievement"]
    achievement["name"] = text_of(claims.get("achievement_title")) or achievement["name"]
    achievement["description"] = (
        text_of(claims.get("achievement_description")) or achievement["description"]
    )
    level = claims.get("level_of_learning_experience")
    if isinstance(level, int) and 1 <= level <= 8:
        summary["eqf_level"] = level
    summary["workload"] = text_of(claims.get("expected_study_time")) or summary["workload"]
    summary["valid_from"] = text_of(claims.get("date_of_issuance")) or summary["valid_from"]
    summary["valid_until"] = text_of(claims.get("date_of_expiry")) or summary["valid_until"]
    return summary
