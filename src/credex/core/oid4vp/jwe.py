"""Encrypted responses for `direct_post.jwt` (OpenID4VP 1.0 §8.3): JWE ECDH-ES on P-256.

The verifier publishes a fresh P-256 key per request in `client_metadata.jwks`; the wallet
encrypts its response with ECDH-ES in direct key agreement mode (RFC 7518 §4.6: no encrypted
key, the Concat KDF output is the content key) and A128GCM or A256GCM (RFC 7518 §5.3). Compact
serialisation (RFC 7516 §7.1); the protected header is the additional authenticated data.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

from credex.core.errors import ParsingError, ProofVerificationError

KEY_BYTES = {"A128GCM": 16, "A256GCM": 32}
_COORD = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ParsingError("the encrypted response is not base64url") from exc


def public_jwk(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    point = numbers.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(point.x.to_bytes(_COORD, "big")),
        "y": _b64(point.y.to_bytes(_COORD, "big")),
    }


def _public_key(jwk: Mapping[str, Any]) -> ec.EllipticCurvePublicKey:
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ParsingError("only P-256 keys are used for encrypted responses")
    x = int.from_bytes(_unb64(str(jwk.get("x", ""))), "big")
    y = int.from_bytes(_unb64(str(jwk.get("y", ""))), "big")
    try:
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except ValueError as exc:
        raise ParsingError("the ephemeral key is not a point on P-256") from exc


def _content_key(
    private: ec.EllipticCurvePrivateKey,
    public: ec.EllipticCurvePublicKey,
    header: Mapping[str, Any],
) -> bytes:
    enc = str(header["enc"])
    shared = private.exchange(ec.ECDH(), public)
    other = b"".join(
        len(part).to_bytes(4, "big") + part
        for part in (
            enc.encode("ascii"),
            _unb64(str(header.get("apu", ""))),
            _unb64(str(header.get("apv", ""))),
        )
    ) + (KEY_BYTES[enc] * 8).to_bytes(4, "big")
    return ConcatKDFHash(hashes.SHA256(), KEY_BYTES[enc], other).derive(shared)


def encrypt(payload: Mapping[str, Any], recipient: Mapping[str, Any], enc: str = "A128GCM") -> str:
    """What a wallet does: encrypt `payload` (JSON) to the verifier's JWK."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    header: dict[str, Any] = {"alg": "ECDH-ES", "enc": enc, "epk": public_jwk(ephemeral)}
    if "kid" in recipient:
        header["kid"] = recipient["kid"]
    key = _content_key(ephemeral, _public_key(recipient), header)
    protected = _b64(json.dumps(header, separators=(",", ":")).encode())
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, json.dumps(payload).encode(), protected.encode("ascii"))
    return ".".join((protected, "", _b64(iv), _b64(sealed[:-16]), _b64(sealed[-16:])))


def protected_header(token: str) -> dict[str, Any]:
    parts = token.strip().split(".")
    if len(parts) != 5:  # RFC 7516 §7.1
        raise ParsingError("an encrypted response is a compact JWE of five parts")
    try:
        header = json.loads(_unb64(parts[0]))
    except ValueError as exc:
        raise ParsingError("the JWE header is not JSON") from exc
    if not isinstance(header, dict):
        raise ParsingError("the JWE header is not a JSON object")
    return header


def decrypt(token: str, private: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
    """The verifier's side: the response parameters inside `response` (§8.3.1)."""
    header = protected_header(token)
    protected, encrypted_key, iv, ciphertext, tag = token.strip().split(".")
    if header.get("alg") != "ECDH-ES" or header.get("enc") not in KEY_BYTES or encrypted_key:
        raise ProofVerificationError("the response must use ECDH-ES with A128GCM or A256GCM")
    epk = header.get("epk")
    if not isinstance(epk, Mapping):
        raise ParsingError("the JWE header has no ephemeral key (epk)")
    key = _content_key(private, _public_key(epk), header)
    try:
        plain = AESGCM(key).decrypt(
            _unb64(iv), _unb64(ciphertext) + _unb64(tag), protected.encode("ascii")
        )
    except Exception as exc:  # cryptography's InvalidTag
        raise ProofVerificationError("the encrypted response does not decrypt") from exc
    try:
        value = json.loads(plain)
    except ValueError as exc:
        raise ParsingError("the decrypted response is not JSON") from exc
    if not isinstance(value, dict):
        raise ParsingError("the decrypted response is not a JSON object")
    return value
