"""VC-JWT claims ↔ credential mapping, and issuing an OB 3.0 credential as a Compact JWS.

OB 3.0 §8.2 "JSON Web Token Proof Format" (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof):
the JWT payload is the credential plus `iss`, `jti`, `nbf`, `sub` and (with `validUntil`) `exp`.
The JWS is assembled here rather than by a JOSE library because private keys never enter core:
all we get is a `Signer` whose `sign(bytes)` does the cryptography.
"""

from __future__ import annotations

import base64
import copy
import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from credex.core.datetimes import parse_datetime_stamp
from credex.core.errors import ParsingError, ProofGenerationError
from credex.core.keys import Signer, jws_algorithm

JWT_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
"""RFC 7519 §4.1 registered claims: never credential properties, so verification strips them."""

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# Raw signature sizes: Ed25519 (RFC 8032) and ES256's fixed-length r ‖ s (RFC 7518 §3.4).
_SIGNATURE_LENGTHS = {"Ed25519": 64, "P-256": 64}


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2 `BASE64URL`)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact_json(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """`issuer` is a URL string or a Profile object with an `id` (VC DM 2.0 §4.7)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def subject_ids(credential: Mapping[str, Any]) -> list[str]:
    """The `id` of every credentialSubject (one object in OB, but VC DM allows a set)."""
    subjects = credential.get("credentialSubject")
    items = subjects if isinstance(subjects, list) else [subjects]
    return [s["id"] for s in items if isinstance(s, Mapping) and isinstance(s.get("id"), str)]


def numeric_date(moment: datetime) -> int:
    """RFC 7519 NumericDate: whole seconds since the epoch (fractions dropped)."""
    return math.floor(moment.timestamp())


def is_numeric_date(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validity_names(credential: Mapping[str, Any]) -> tuple[str, str]:
    """VC 2.0 `validFrom`/`validUntil`, or VC 1.1 `issuanceDate`/`expirationDate`."""
    contexts = credential.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if "validFrom" in credential or first == VC_V2_CONTEXT:
        return "validFrom", "validUntil"
    return "issuanceDate", "expirationDate"


def sign_jwt(credential: Mapping[str, Any], signer: Signer) -> str:
    """Sign `credential` as an OB 3.0 VC-JWT: Ed25519 → `EdDSA`, P-256 → `ES256` (RFC 7518 §3.4).

    Header: `{"alg": "EdDSA"|"ES256", "typ": "JWT", "kid": signer.verification_method}`.
    `sub` is left out when the subject has no `id` (a learner identified only by a hashed
    email): OB lists `sub` as required, but 1EdTech's own samples omit it in exactly that case
    and pass its validator.
    An embedded `proof` already in the credential stays (OB: create it before the JWT); none
    is added. Raises ProofGenerationError when `issuer`, `id` or `validFrom` is missing.
    """
    if signer.algorithm not in _SIGNATURE_LENGTHS:
        raise ProofGenerationError(
            f"VC-JWT signing supports Ed25519 and P-256 keys, not {signer.algorithm}"
        )
    if not isinstance(credential, Mapping):
        raise ProofGenerationError("the credential must be a JSON object")
    payload = dict(credential)
    payload.update(claims_for(credential))
    header = {
        "alg": jws_algorithm(signer.algorithm),
        "typ": "JWT",
        "kid": signer.verification_method,
    }
    signing_input = f"{b64url_encode(compact_json(header))}.{b64url_encode(compact_json(payload))}"
    signature = signer.sign(signing_input.encode("ascii"))
    if len(signature) != _SIGNATURE_LENGTHS[signer.algorithm]:
        raise ProofGenerationError(f"a raw {signer.algorithm} signature is 64 bytes")
    return f"{signing_input}.{b64url_encode(signature)}"


def claims_for(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The OB 3.0 JWT claims for a VC 2.0 (or 1.1) credential (§8.2.2 "JWT Payload Format")."""
    issuer = issuer_id(credential)
    if issuer is None:
        raise ProofGenerationError("the credential needs an issuer id for the `iss` claim")
    credential_id = credential.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        raise ProofGenerationError("the credential needs an id for the `jti` claim")
    starts, ends = validity_names(credential)  # VC 1.1: issuanceDate / expirationDate
    claims: dict[str, Any] = {
        "iss": issuer,
        "jti": credential_id,
        "nbf": _claim_date(credential, starts, required=True),
    }
    subjects = subject_ids(credential)
    if len(subjects) == 1:
        claims["sub"] = subjects[0]
    expires = _claim_date(credential, ends, required=False)
    if expires is not None:
        claims["exp"] = expires
    return claims


def _claim_date(credential: Mapping[str, Any], name: str, *, required: bool) -> int | None:
    value = credential.get(name)
    if value is None:
        if required:
            raise ProofGenerationError(f"the credential needs {name} for the JWT (OB 3.0)")
        return None
    try:
        return numeric_date(parse_datetime_stamp(value))
    except ValueError as exc:
        raise ProofGenerationError(f"{name} is not a dateTimeStamp: {exc}") from exc


def credential_from_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential a JWT carries: the payload minus JWT claims, or (VC 1.1) its `vc` claim.

    VC 1.1 §6.3.1 lets a `vc` claim leave out what the claims say, so a missing issuer, id,
    issuance date and subject id are filled from `iss`, `jti`, `nbf` and `sub`. In both forms
    `exp` sets a missing validUntil/expirationDate (OB §8.2.4). Raises ParsingError.
    """
    vc = payload.get("vc")
    if vc is None:
        credential = {k: copy.deepcopy(v) for k, v in payload.items() if k not in JWT_CLAIMS}
    elif isinstance(vc, dict):
        credential = copy.deepcopy(vc)
        _fill_from_claims(credential, payload)
    else:
        raise ParsingError("the `vc` claim must be a JSON object")
    valid_until = validity_names(credential)[1]
    if valid_until not in credential and is_numeric_date(payload.get("exp")):
        credential[valid_until] = _xsd_from_numeric(payload["exp"])
    return credential


def _fill_from_claims(credential: dict[str, Any], payload: Mapping[str, Any]) -> None:
    if "issuer" not in credential and isinstance(payload.get("iss"), str):
        credential["issuer"] = payload["iss"]
    if "id" not in credential and isinstance(payload.get("jti"), str):
        credential["id"] = payload["jti"]
    valid_from = validity_names(credential)[0]
    if valid_from not in credential and is_numeric_date(payload.get("nbf")):
        credential[valid_from] = _xsd_from_numeric(payload["nbf"])
    subject = credential.get("credentialSubject", {})
    if isinstance(payload.get("sub"), str) and isinstance(subject, dict) and "id" not in subject:
        credential["credentialSubject"] = {"id": payload["sub"], **subject}


def _xsd_from_numeric(value: float) -> str:
    try:
        return datetime.fromtimestamp(math.floor(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return str(value)  # left for the claim check to reject
