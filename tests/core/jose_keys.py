"""Test keys for JOSE: an in-memory P-256 signer and JWK helpers (no tests here)."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credex.core.keys import KeyAlgorithm


def b64(number: int, size: int = 32) -> str:
    return base64.urlsafe_b64encode(number.to_bytes(size, "big")).rstrip(b"=").decode()


def unb64(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


class P256Signer:
    """Signs like `cryptography` does: DER-encoded ECDSA (credex.core.jose converts it)."""

    algorithm: KeyAlgorithm = "P-256"
    controller = "did:example:holder"
    verification_method = "did:example:holder#key-1"

    def __init__(self, key: ec.EllipticCurvePrivateKey | None = None) -> None:
        self.key = key or ec.generate_private_key(ec.SECP256R1())

    @classmethod
    def from_jwk(cls, jwk: dict[str, str]) -> P256Signer:
        return cls(ec.derive_private_key(unb64(jwk["d"]), ec.SECP256R1()))

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data, ec.ECDSA(hashes.SHA256()))

    @property
    def jwk(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y)}


def ed25519_jwk(key: ed25519.Ed25519PrivateKey) -> dict[str, str]:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
    }
