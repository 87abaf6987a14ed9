"""Verifying an SD-JWT or SD-JWT+KB (RFC 9901 §7.1 and §7.3).

1. Split the serialisation; verify the Issuer-signed JWT's signature with the issuer's key
   (never `none`), and its `typ` when the caller expects one (SD-JWT VC: `dc+sd-jwt`).
2. Rebuild the claims from the Disclosures (`process.py`, with every §7.1 rejection rule),
   then check `exp`/`nbf` of the result.
3. Key Binding (§7.3): when required, or whenever a KB-JWT is present, it must be signed by the
   key in `cnf.jwk`, have `typ: kb+jwt`, a recent `iat`, the expected `nonce` and `aud`, and an
   `sd_hash` over exactly the presented SD-JWT.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from credex.core.errors import ProofVerificationError
from credex.core.jose import unverified_header, verify_compact
from credex.core.jwt_sign import is_numeric_date, numeric_date
from credex.core.sdjwt.disclosures import HASH_ALGORITHMS, Disclosure
from credex.core.sdjwt.present import KB_JWT_TYPE, SdJwt, sd_hash
from credex.core.sdjwt.process import hash_algorithm_of, process_payload

KeySource = Mapping[str, Any] | Callable[[dict[str, Any], dict[str, Any]], Mapping[str, Any]]
"""The issuer's public JWK, or a function of (header, unverified payload) that finds it."""

LEEWAY = timedelta(seconds=60)
KB_MAX_AGE = timedelta(minutes=5)


@dataclass(frozen=True)
class VerifiedSdJwt:
    header: dict[str, Any]
    claims: dict[str, Any]  # the processed payload: disclosed claims in place, no `_sd`
    disclosures: tuple[Disclosure, ...]
    key_binding: dict[str, Any] | None  # the verified KB-JWT payload, if one was presented


def verify_sd_jwt(
    text: str,
    issuer_key: KeySource,
    *,
    typ: str | Collection[str] | None = None,
    require_key_binding: bool = False,
    audience: str | None = None,
    nonce: str | None = None,
    now: datetime | None = None,
    kb_max_age: timedelta = KB_MAX_AGE,
) -> VerifiedSdJwt:
    """Verify per RFC 9901 §7; raises ParsingError or ProofVerificationError."""
    if require_key_binding and (audience is None or nonce is None):
        raise ValueError("checking Key Binding needs the expected audience and nonce")
    now = now or datetime.now(UTC)
    parsed = SdJwt.parse(text)
    header, payload = _verify_issuer_jwt(parsed.jws, issuer_key, typ)
    algorithm = hash_algorithm_of(payload)
    if algorithm not in HASH_ALGORITHMS:
        raise ProofVerificationError(f"unsupported _sd_alg {algorithm!r}")
    disclosures = tuple(Disclosure.parse(encoded) for encoded in parsed.disclosures)
    claims = process_payload(payload, disclosures).claims
    _check_validity(claims, now)
    key_binding = None
    if parsed.kb_jwt is not None or require_key_binding:
        key_binding = _verify_key_binding(
            parsed, claims, algorithm, audience=audience, nonce=nonce, now=now, max_age=kb_max_age
        )
    return VerifiedSdJwt(header, claims, disclosures, key_binding)


def _verify_issuer_jwt(
    jws: str, issuer_key: KeySource, typ: str | Collection[str] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    if callable(issuer_key):
        key = issuer_key(unverified_header(jws), SdJwt(jws, ()).payload())
    else:
        key = issuer_key
    header, payload = verify_compact(jws, key)
    if typ is not None:
        accepted = {typ} if isinstance(typ, str) else set(typ)
        if header.get("typ") not in accepted:
            raise ProofVerificationError(f"the SD-JWT typ must be one of {sorted(accepted)}")
    return header, payload


def _check_validity(claims: Mapping[str, Any], now: datetime) -> None:
    """RFC 7519 §4.1.4/§4.1.5 on the processed claims (RFC 9901 §7.1 step 5)."""
    moment = numeric_date(now)
    for name in ("exp", "nbf", "iat"):
        if name in claims and not is_numeric_date(claims[name]):
            raise ProofVerificationError(f"{name} must be a NumericDate")
    leeway = LEEWAY.total_seconds()
    if "exp" in claims and moment - leeway >= claims["exp"]:
        raise ProofVerificationError("the SD-JWT has expired")
    if "nbf" in claims and moment + leeway < claims["nbf"]:
        raise ProofVerificationError("the SD-JWT is not valid yet")


def _verify_key_binding(
    parsed: SdJwt,
    claims: Mapping[str, Any],
    algorithm: str,
    *,
    audience: str | None,
    nonce: str | None,
    now: datetime,
    max_age: timedelta,
) -> dict[str, Any]:
    if parsed.kb_jwt is None:
        raise ProofVerificationError("Key Binding is required but no KB-JWT was presented")
    confirmation = claims.get("cnf")
    holder_key = confirmation.get("jwk") if isinstance(confirmation, Mapping) else None
    if not isinstance(holder_key, Mapping):
        raise ProofVerificationError("the SD-JWT has no cnf.jwk to check Key Binding with")
    header, payload = verify_compact(parsed.kb_jwt, holder_key)
    if header.get("typ") != KB_JWT_TYPE:
        raise ProofVerificationError("the KB-JWT typ must be kb+jwt")
    for name in ("iat", "aud", "nonce", "sd_hash"):
        if name not in payload:
            raise ProofVerificationError(f"the KB-JWT lacks {name}")
    issued = payload["iat"]
    if not is_numeric_date(issued):
        raise ProofVerificationError("the KB-JWT iat must be a NumericDate")
    moment = numeric_date(now)
    if issued > moment + LEEWAY.total_seconds() or issued < moment - max_age.total_seconds():
        raise ProofVerificationError("the KB-JWT iat is outside the accepted window")
    if audience is not None and payload["aud"] != audience:
        raise ProofVerificationError("the KB-JWT is for another audience")
    if nonce is not None and payload["nonce"] != nonce:
        raise ProofVerificationError("the KB-JWT nonce does not match")
    expected = sd_hash(parsed, algorithm)
    if not isinstance(payload["sd_hash"], str) or not hmac.compare_digest(
        payload["sd_hash"], expected
    ):
        raise ProofVerificationError("the KB-JWT sd_hash does not match the presentation")
    return payload
