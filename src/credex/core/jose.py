"""Compact JWS with a `Signer` (private keys never enter core) and verification with PyJWT.

Signing assembles `BASE64URL(header).BASE64URL(payload)` and asks the signer for the bytes
(RFC 7515 §5.1): credex's signers hold encrypted keys and expose only `sign(bytes)`, which a JOSE
library cannot wrap. ES256 signatures are JOSE's raw `r||s` (RFC 7518 §3.4); a signer that
returns DER (what `cryptography` produces) is converted. Verification goes through PyJWT, which
checks the algorithm against the key and refuses `none` and MAC algorithms here.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection, Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from credex.core.errors import (
    CoreError,
    ParsingError,
    ProofGenerationError,
    ProofVerificationError,
)
from credex.core.jwt_sign import b64url_encode, compact_json
from credex.core.keys import Signer, jws_algorithm

ASYMMETRIC_ALGORITHMS = frozenset({"EdDSA", "ES256", "ES384"})
_COORDINATE_BYTES = {"ES256": 32, "ES384": 48}


def jose_algorithm(signer: Signer) -> str:
    """RFC 8037 §3.1 (EdDSA) and RFC 7518 §3.4 (ES256/ES384): the `alg` for the signer's key."""
    try:
        return jws_algorithm(signer.algorithm)
    except CoreError as exc:
        raise ProofGenerationError(exc.detail) from exc


def sign_compact(header: Mapping[str, Any], payload: Mapping[str, Any], signer: Signer) -> str:
    """A Compact JWS over `payload`; `alg` is set from the signer (any given `alg` must match)."""
    algorithm = jose_algorithm(signer)
    if header.get("alg", algorithm) != algorithm:
        raise ProofGenerationError(f"header alg {header['alg']!r} does not match the key")
    full_header = {"alg": algorithm, **header}
    signing_input = (
        f"{b64url_encode(compact_json(full_header))}.{b64url_encode(compact_json(payload))}"
    )
    signature = _jose_signature(algorithm, signer.sign(signing_input.encode("ascii")))
    return f"{signing_input}.{b64url_encode(signature)}"


def _jose_signature(algorithm: str, signature: bytes) -> bytes:
    size = _COORDINATE_BYTES.get(algorithm)
    if size is None:
        return signature
    if _looks_like_der(signature):
        r, s = decode_dss_signature(signature)
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if len(signature) != 2 * size:
        raise ProofGenerationError(f"an {algorithm} signature is {2 * size} bytes")
    return signature


def _looks_like_der(signature: bytes) -> bool:
    """A DER ECDSA-Sig-Value is `30 len 02 rlen r 02 slen s`; a raw r||s almost never parses."""
    if len(signature) < 8 or signature[0] != 0x30 or signature[1] != len(signature) - 2:
        return False
    try:
        decode_dss_signature(signature)
    except ValueError:
        return False
    return True


def b64url_decode(segment: str) -> bytes:
    """Strict unpadded base64url (RFC 7515 §2); raises ParsingError."""
    if not isinstance(segment, str) or "=" in segment:
        raise ParsingError("expected unpadded base64url")
    try:
        return base64.b64decode(segment + "=" * (-len(segment) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ParsingError("not base64url") from exc


def parse_json_object(data: bytes, what: str) -> dict[str, Any]:
    """UTF-8 JSON object with no duplicate member names (RFC 7515 §5.2, RFC 9901 §7.1)."""
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParsingError(f"{what} is not a JSON object: {exc}") from exc
    if not isinstance(value, dict):
        raise ParsingError(f"{what} is not a JSON object")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(f"duplicate member {name!r}")
        result[name] = value
    return result


def unverified_header(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise ParsingError("a Compact JWS has three parts")
    return parse_json_object(b64url_decode(parts[0]), "the JWS header")


def verify_compact(
    token: str, jwk: Mapping[str, Any], algorithms: Collection[str] = ASYMMETRIC_ALGORITHMS
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify a Compact JWS with a public JWK; returns (header, payload).

    Raises ParsingError for malformed input and ProofVerificationError for a bad signature, an
    algorithm outside `algorithms` (never `none` or a MAC) or one that does not fit the key.
    """
    header = unverified_header(token)
    algorithm = header.get("alg")
    if algorithm not in algorithms or algorithm not in ASYMMETRIC_ALGORITHMS:
        raise ProofVerificationError(f"JWS algorithm {algorithm!r} is not accepted")
    if any(name in jwk for name in ("d", "p", "q", "dp", "dq", "qi", "k")):
        raise ProofVerificationError("the verification key must be a public JWK")
    try:
        key = jwt.PyJWK.from_dict(dict(jwk), algorithm=algorithm)
        signed = jwt.PyJWS().decode_complete(token, key=key, algorithms=[algorithm])
    except jwt.InvalidSignatureError as exc:
        raise ProofVerificationError("the JWS signature does not verify") from exc
    except (jwt.PyJWKError, jwt.InvalidKeyError, jwt.InvalidAlgorithmError) as exc:
        raise ProofVerificationError(f"the key does not fit the JWS: {exc}") from exc
    except jwt.DecodeError as exc:
        raise ParsingError(f"malformed JWS: {exc}") from exc
    payload = parse_json_object(signed["payload"], "the JWS payload")
    return header, payload
