"""Verify an Open Badges 3.0 VC-JWT: parse the Compact JWS, find the key, check the claims.

OB 3.0 §8.2.4 "Verify a Credential" (https://www.imsglobal.org/spec/ob/v3p0/#jwt-verify) and
RFC 7515 §5.2. Header policy (OB: "Additional JOSE Headers are NOT allowed"):
- `alg` must be EdDSA, ES256, ES384 or RS256 and match the key; `none` and anything else fail.
- `crit` and `b64` fail: they change how the JWS must be processed and we implement neither.
- Any other extra header (`cty`, `x5c`, `jku`, …) and a `typ` other than `JWT` only WARN: they
  do not change what the signature covers, and we never follow `x5u`/`jku` to fetch keys.
- The key comes from `kid` (resolved for assertionMethod and bound to the issuer), else from a
  public `jwk` header; a bare JWK (header or `kid` document) proves only who holds the key.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from credex.core.datetimes import parse_time_as_utc_if_naive
from credex.core.dids.resolver import (
    public_key_from_jwk,
    resolve_did_document,
    resolve_verification_method,
)
from credex.core.errors import CoreError, ParsingError, ProofVerificationError, ResolutionError
from credex.core.jwt_sign import (
    credential_from_payload,
    is_numeric_date,
    issuer_id,
    numeric_date,
    subject_ids,
    validity_names,
)
from credex.core.keys import KeyAlgorithm, PublicKey

ALGORITHMS: dict[str, KeyAlgorithm] = {
    "EdDSA": "Ed25519",
    "ES256": "P-256",
    "ES384": "P-384",
    "RS256": "RSA",
}
ALLOWED_HEADERS = frozenset({"alg", "kid", "jwk", "typ"})
REFUSED_HEADERS = frozenset({"crit", "b64"})
CLOCK_SKEW = timedelta(seconds=60)
"""Tolerance for `nbf`/`exp` against `now`: issuer and verifier clocks are never equal."""

_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


@dataclass
class JwtResult:
    """The outcome of `verify_jwt`. `credential` is filled whenever the payload parses, so a
    report can show what was claimed; trust it only when `verified` is True."""

    verified: bool
    credential: dict[str, Any] | None
    header: dict[str, Any]
    payload: dict[str, Any]
    errors: list[CoreError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    verification_method: str | None = None
    controller: str | None = None

    def fail(self, detail: str) -> None:
        self.errors.append(ProofVerificationError(detail))


def decode_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Split a Compact JWS into (header, payload, signing input, signature); no verification.

    Raises ParsingError for anything that is not three strict base64url segments whose first two
    are JSON objects (duplicate member names refused, RFC 7515 §5.2 step 4).
    """
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError as exc:
            raise ParsingError("a Compact JWS is ASCII text") from exc
    if not isinstance(token, str):
        raise ParsingError("a Compact JWS is a string")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise ParsingError(f"a Compact JWS has three dot-separated parts, not {len(parts)}")
    header = _json_object(_b64url_decode(parts[0], "header"), "header")
    payload = _json_object(_b64url_decode(parts[1], "payload"), "payload")
    signature = _b64url_decode(parts[2], "signature")
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def looks_like_jws(value: str | bytes) -> bool:
    """True when `value` is shaped like a Compact JWS with a JSON header naming an `alg`.

    For sniffing uploads and baked badges; it says nothing about validity.
    """
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            return False
    if not isinstance(value, str) or not _COMPACT.fullmatch(value.strip()):
        return False
    try:
        header = _json_object(_b64url_decode(value.strip().split(".", 1)[0], "header"), "header")
    except ParsingError:
        return False
    return isinstance(header.get("alg"), str)


def verify_jwt(
    token: str, documents: Mapping[str, Any] | None = None, *, now: datetime | None = None
) -> JwtResult:
    """Verify an OB 3.0 VC-JWT (or a VC 1.1 JWT with a `vc` claim). Never raises on bad input.

    `documents` maps URLs to already fetched documents, as `resolve_verification_method` reads
    them (did:web under its `https://…/did.json` URL); core does no network I/O. `verified` is
    True only with a good signature, a key controlled by the issuer (when resolved via `kid`)
    and claims that match the credential and `now`.
    """
    try:
        header, payload, signing_input, signature = decode_jwt(token)
    except ParsingError as exc:
        return JwtResult(verified=False, credential=None, header={}, payload={}, errors=[exc])
    result = JwtResult(verified=False, credential=None, header=header, payload=payload)
    try:
        result.credential = credential = credential_from_payload(payload)
    except ParsingError as exc:
        result.errors.append(exc)
        return result
    algorithm = _check_header(header, result)
    key = _verification_key(header, credential, documents, result) if algorithm else None
    if algorithm is None or key is None:
        return result
    if key.algorithm != algorithm:
        result.fail(f"alg {header['alg']} does not fit a {key.algorithm} key")
        return result
    if not key.verify(signature, signing_input):
        result.fail("the JWS signature does not verify")
        return result
    _check_claims(payload, credential, result, now or datetime.now(UTC))
    result.verified = not result.errors
    return result


# --- parsing --------------------------------------------------------------------------------


def _b64url_decode(segment: str, what: str) -> bytes:
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        raise ParsingError(f"the JWS {what} is not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ParsingError(f"the JWS {what} is not base64url: {exc}") from exc


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise ParsingError("duplicate JSON member names")
    return members


def _refuse_constant(name: str) -> Any:
    raise ParsingError(f"{name} is not JSON")


def _json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_unique_members,
            parse_constant=_refuse_constant,
        )
    except ParsingError as exc:
        raise ParsingError(f"the JWS {what}: {exc.detail}") from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ParsingError(f"the JWS {what} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ParsingError(f"the JWS {what} must be a JSON object")
    return value


# --- header and key -------------------------------------------------------------------------


def _check_header(header: Mapping[str, Any], result: JwtResult) -> KeyAlgorithm | None:
    errors_before = len(result.errors)
    alg = header.get("alg")
    if isinstance(alg, str) and alg.lower() == "none":
        result.fail("unsecured JWTs (alg none) are refused")
    elif alg not in ALGORITHMS:
        result.fail(f"unsupported JWS alg {alg!r}; expected one of {', '.join(ALGORITHMS)}")
    refused = sorted(REFUSED_HEADERS & header.keys())
    if refused:
        result.fail(f"JOSE header(s) {', '.join(refused)} are not supported")
    extra = sorted(header.keys() - ALLOWED_HEADERS - REFUSED_HEADERS)
    if extra:
        result.warnings.append(f"OB 3.0 allows no JOSE headers besides alg/kid/jwk/typ: {extra}")
    if "typ" in header and header["typ"] != "JWT":
        result.warnings.append(f"OB 3.0 expects typ 'JWT', got {header['typ']!r}")
    if "kid" not in header and "jwk" not in header:
        result.fail("the JOSE header names no key: OB 3.0 requires kid or jwk")
    if len(result.errors) > errors_before:
        return None
    return ALGORITHMS[str(alg)]


def _verification_key(
    header: Mapping[str, Any],
    credential: Mapping[str, Any],
    documents: Mapping[str, Any] | None,
    result: JwtResult,
) -> PublicKey | None:
    try:
        if "kid" not in header:
            return _key_from_jwk(header["jwk"], result)
        if "jwk" in header:
            result.warnings.append("both kid and jwk given; the key was taken from kid")
        return _key_from_kid(header["kid"], issuer_id(credential), documents, result)
    except CoreError as exc:
        result.errors.append(exc)
        return None


def _key_from_jwk(jwk: object, result: JwtResult) -> PublicKey:
    if not isinstance(jwk, dict) or "d" in jwk:
        raise ProofVerificationError("a jwk must be a public JWK object (never with 'd')")
    key = public_key_from_jwk(jwk)
    result.warnings.append(
        "key taken from a bare JWK: this proves who holds the key, not that the issuer does"
    )
    return key


def _key_from_kid(
    kid: object, issuer: str | None, documents: Mapping[str, Any] | None, result: JwtResult
) -> PublicKey:
    """Resolve `kid` for assertionMethod and bind its controller to the issuer.

    `kid` may be a DID URL, an HTTPS URL of a verification method, a bare DID (its first
    assertionMethod, DID Core §5.3.2), `#fragment` relative to the issuer, or (OB's own wording,
    "dereferenced to an object of type JWK") an HTTPS URL whose document is a bare JWK.
    """
    if not isinstance(kid, str) or not kid:
        raise ProofVerificationError("kid must be a non-empty URI")
    if kid.startswith("#") and issuer:
        result.warnings.append("relative kid resolved against the issuer id")
        kid = issuer + kid
    if kid.startswith("did:") and "#" not in kid:
        kid = _first_assertion_method(kid, documents)
    result.verification_method = kid
    bare_jwk = _bare_jwk_at(kid, documents)
    if bare_jwk is not None:
        return _key_from_jwk(bare_jwk, result)
    method = resolve_verification_method(kid, documents, purpose="assertionMethod")
    result.controller = method.controller
    if method.controller != issuer:
        raise ProofVerificationError(
            f"key controller {method.controller!r} is not the issuer {issuer!r}"
        )
    return method.public_key


def _bare_jwk_at(url: str, documents: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The document at an HTTPS `kid` when it is a plain JWK rather than a controller document."""
    if documents is None or not url.startswith("https://"):
        return None
    try:
        document = documents.get(url)
        if isinstance(document, str | bytes):
            document = json.loads(document)
    except ValueError:
        return None  # not JSON: let the resolver report it
    except Exception as exc:  # a lazy mapping may fail to fetch; report, don't crash
        raise ResolutionError(f"could not retrieve {url}: {exc}") from exc
    if isinstance(document, dict) and "kty" in document and "id" not in document:
        return document
    return None


def _first_assertion_method(did: str, documents: Mapping[str, Any] | None) -> str:
    methods = resolve_did_document(did, documents).get("assertionMethod")
    first = methods[0] if isinstance(methods, list) and methods else None
    if isinstance(first, Mapping):
        first = first.get("id")
    if not isinstance(first, str):
        raise ResolutionError(f"{did} lists no assertionMethod")
    return did + first if first.startswith("#") else first


# --- claims ---------------------------------------------------------------------------------


def _check_claims(
    payload: Mapping[str, Any], credential: Mapping[str, Any], result: JwtResult, now: datetime
) -> None:
    """OB 3.0 §8.2.4.1: iss, jti, sub, nbf must match the credential; exp sets validUntil."""
    _same("iss", payload.get("iss"), issuer_id(credential), "issuer id", result)
    _same("jti", payload.get("jti"), credential.get("id"), "credential id", result)
    subjects = subject_ids(credential)
    if "sub" not in payload:
        if subjects:
            result.warnings.append("no sub claim although credentialSubject has an id (OB: sub)")
    elif payload["sub"] not in subjects:
        result.fail(f"sub {payload['sub']!r} is not the credentialSubject id")
    valid_from, valid_until = validity_names(credential)
    nbf = _claim_time(payload, "nbf", credential, valid_from, result)
    if nbf is not None and nbf > now + CLOCK_SKEW:
        result.fail(f"the credential is not valid before {nbf.isoformat()}")
    if "exp" not in payload:
        if valid_until in credential:
            result.warnings.append(f"no exp claim although the credential has {valid_until}")
        return
    exp = _claim_time(payload, "exp", credential, valid_until, result)
    if exp is not None and exp < now - CLOCK_SKEW:
        result.fail(f"the credential expired at {exp.isoformat()}")


def _same(claim: str, value: object, expected: object, what: str, result: JwtResult) -> None:
    if value is None:
        result.fail(f"the JWT has no {claim} claim (OB 3.0 requires it)")
    elif value != expected:
        result.fail(f"{claim} {value!r} does not match the {what} {expected!r}")


def _claim_time(
    payload: Mapping[str, Any],
    claim: str,
    credential: Mapping[str, Any],
    field_name: str,
    result: JwtResult,
) -> datetime | None:
    """Check a NumericDate claim equals the credential's date (to the second); return it."""
    value = payload.get(claim)
    if value is None:
        result.fail(f"the JWT has no {claim} claim (OB 3.0 requires it)")
        return None
    if not is_numeric_date(value):
        result.fail(f"{claim} must be a NumericDate")
        return None
    try:
        moment = parse_time_as_utc_if_naive(credential[field_name])
    except KeyError:
        result.fail(f"{claim} is set but the credential has no {field_name}")
        return None
    except ValueError as exc:
        result.fail(f"{field_name} is not a date-time: {exc}")
        return None
    if math.floor(value) != numeric_date(moment):
        result.fail(f"{claim} {value} does not equal {field_name} {credential[field_name]}")
        return None
    return moment
