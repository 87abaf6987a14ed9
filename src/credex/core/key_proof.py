"""OpenID4VCI 1.0 `jwt` key proofs (§F.1, "jwt Proof Type") and JWK thumbprints (RFC 7638).

A wallet proves it holds the key a credential will be bound to by signing a JWT with
`typ: openid4vci-proof+jwt`, `aud` = the Credential Issuer Identifier, `iat` and the server's
`c_nonce`. The key is named by exactly one of `jwk` or `kid` (a `did:jwk` DID URL here; `x5c` and
other DID methods are refused). Only public members of the key are ever returned, so callers can
store what they get. The nonce is checked by the caller (it lives in the database).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

PROOF_TYP = "openid4vci-proof+jwt"
PROOF_ALGORITHMS = ("ES256", "EdDSA")
_ALG_KEYS = {"ES256": ("EC", "P-256"), "EdDSA": ("OKP", "Ed25519")}
_PUBLIC_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}
MAX_PROOF_AGE = timedelta(minutes=10)
MAX_CLOCK_SKEW = timedelta(minutes=2)


class KeyProofError(ValueError):
    """The proof is not acceptable (maps to OID4VCI `invalid_proof`)."""


@dataclass(frozen=True)
class KeyProof:
    jwk: dict[str, Any]  # public members only
    thumbprint: str  # RFC 7638, base64url SHA-256
    nonce: str | None
    issuer: str | None  # `iss` (the client id), when sent


def _b64url_json(segment: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise KeyProofError("the proof is not a compact JWT") from exc
    if not isinstance(value, dict):
        raise KeyProofError("the proof is not a compact JWT")
    return value


def public_jwk(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The public members of an EC P-256 or OKP Ed25519 JWK; refuses private keys."""
    if "d" in jwk:
        raise KeyProofError("the proof's key must not contain private key material")
    kty = jwk.get("kty")
    members = _PUBLIC_MEMBERS.get(kty) if isinstance(kty, str) else None
    if members is None:
        raise KeyProofError("the proof's key must be an EC or OKP JWK")
    if not all(isinstance(jwk.get(name), str) for name in members):
        raise KeyProofError(f"the proof's key lacks one of {', '.join(members)}")
    return {name: jwk[name] for name in members}


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace."""
    members = public_jwk(jwk)
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("utf-8")
    digest = hashlib.sha256(canonical).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def did_jwk(jwk: Mapping[str, Any]) -> str:
    """`did:jwk:<base64url(JSON of the public JWK)>` (did:jwk method specification)."""
    encoded = json.dumps(public_jwk(jwk), separators=(",", ":")).encode("utf-8")
    return "did:jwk:" + base64.urlsafe_b64encode(encoded).rstrip(b"=").decode("ascii")


def _jwk_from_did(kid: str) -> dict[str, Any]:
    did = kid.split("#", 1)[0]
    if not did.startswith("did:jwk:"):
        raise KeyProofError("a proof's kid must be a did:jwk DID URL (or send jwk)")
    return _b64url_json(did.removeprefix("did:jwk:"))


def verify_key_proof(
    token: str,
    *,
    audience: str | Sequence[str],
    now: datetime,
    algorithms: Collection[str] = PROOF_ALGORITHMS,
) -> KeyProof:
    """Check a `jwt` key proof as OID4VCI 1.0 §F.4 says; raises KeyProofError.

    `audience`: the Credential Issuer Identifier, or several accepted ones (`aud` must be one).
    """
    if not isinstance(token, str) or token.count(".") != 2:
        raise KeyProofError("the proof is not a compact JWT")
    header = _b64url_json(token.split(".", 1)[0])
    if header.get("typ") != PROOF_TYP:
        raise KeyProofError(f"the proof's typ must be {PROOF_TYP}")
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in algorithms or algorithm not in _ALG_KEYS:
        raise KeyProofError(f"the proof's alg must be one of {', '.join(algorithms)}")
    named = [name for name in ("jwk", "kid", "x5c") if name in header]
    if len(named) != 1 or named[0] == "x5c":
        raise KeyProofError("the proof's header must name its key with exactly one of jwk, kid")
    raw = header["jwk"] if named[0] == "jwk" else _jwk_from_did(str(header["kid"]))
    if not isinstance(raw, dict):
        raise KeyProofError("the proof's jwk must be a JSON object")
    key = public_jwk(raw)
    if (key["kty"], key["crv"]) != _ALG_KEYS[algorithm]:
        raise KeyProofError(f"a {key['kty']}/{key['crv']} key cannot sign {algorithm}")
    try:
        verifying_key = jwt.PyJWK(key, algorithm=algorithm)
        claims = jwt.decode(
            token,
            key=verifying_key,
            algorithms=[algorithm],
            audience=audience,
            options={"require": ["aud", "iat"], "verify_iat": False},
        )
    except jwt.InvalidAudienceError as exc:
        raise KeyProofError("the proof's aud is not this credential issuer") from exc
    except jwt.PyJWTError as exc:
        raise KeyProofError(f"the proof does not verify: {exc}") from exc
    issued = claims.get("iat")
    if not isinstance(issued, int | float) or isinstance(issued, bool):
        raise KeyProofError("the proof's iat must be a number")
    moment = now.timestamp()
    if issued > moment + MAX_CLOCK_SKEW.total_seconds():
        raise KeyProofError("the proof's iat is in the future")
    if issued < moment - MAX_PROOF_AGE.total_seconds():
        raise KeyProofError("the proof is too old (iat)")
    nonce = claims.get("nonce")
    issuer = claims.get("iss")
    return KeyProof(
        jwk=key,
        thumbprint=jwk_thumbprint(key),
        nonce=nonce if isinstance(nonce, str) else None,
        issuer=issuer if isinstance(issuer, str) else None,
    )
