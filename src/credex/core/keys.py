"""Signing and verification keys.

Private keys never enter the proof code: proofs take a `Signer` (anything with
`verification_method`, `controller`, `algorithm` and `sign(bytes) -> bytes`). The service layer
provides a signer that decrypts a stored key only inside `sign`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from credex.core import multiformats as mf
from credex.core.errors import CoreError

KeyAlgorithm = Literal["Ed25519", "P-256", "P-384", "RSA"]


@runtime_checkable
class Signer(Protocol):
    """What proof creation needs from a key holder; the private key stays behind `sign`."""

    @property
    def algorithm(self) -> KeyAlgorithm: ...

    @property
    def controller(self) -> str: ...

    @property
    def verification_method(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


def did_key_for_ed25519(public_key: bytes) -> str:
    """`did:key:z6Mk…` for a raw 32-byte Ed25519 public key (did:key spec, Ed25519)."""
    return "did:key:" + mf.encode_multikey(mf.ED25519_PUB, public_key)


class Ed25519Signer:
    """An in-memory Ed25519 signer, for tests, demos and keys the service has just decrypted."""

    algorithm: KeyAlgorithm = "Ed25519"

    def __init__(
        self,
        private_key: ed25519.Ed25519PrivateKey,
        *,
        controller: str | None = None,
        verification_method: str | None = None,
    ) -> None:
        self._private_key = private_key
        raw_public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public_key_multibase = mf.encode_multikey(mf.ED25519_PUB, raw_public)
        self.controller = controller or "did:key:" + self.public_key_multibase
        self.verification_method = verification_method or (
            f"{self.controller}#{self.public_key_multibase}"
        )

    @classmethod
    def from_seed(
        cls,
        seed: bytes,
        *,
        controller: str | None = None,
        verification_method: str | None = None,
    ) -> Ed25519Signer:
        if len(seed) != 32:
            raise CoreError("an Ed25519 seed is 32 bytes", code="PROOF_GENERATION_ERROR")
        key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
        return cls(key, controller=controller, verification_method=verification_method)

    @classmethod
    def generate(
        cls, *, controller: str | None = None, verification_method: str | None = None
    ) -> Ed25519Signer:
        return cls(
            ed25519.Ed25519PrivateKey.generate(),
            controller=controller,
            verification_method=verification_method,
        )

    @property
    def public_key(self) -> PublicKey:
        return PublicKey.from_multikey(self.public_key_multibase)

    def sign(self, data: bytes) -> bytes:
        return self._private_key.sign(data)

    def __repr__(self) -> str:  # never show key material
        return f"Ed25519Signer(verification_method={self.verification_method!r})"


_CURVES: dict[KeyAlgorithm, ec.EllipticCurve] = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
_HASHES: dict[KeyAlgorithm, hashes.HashAlgorithm] = {
    "P-256": hashes.SHA256(),
    "P-384": hashes.SHA384(),
}
_COORD_BYTES = {"P-256": 32, "P-384": 48}
_JWS_ALGORITHMS: dict[KeyAlgorithm, str] = {
    "Ed25519": "EdDSA",
    "P-256": "ES256",
    "P-384": "ES384",
}


def jws_algorithm(algorithm: KeyAlgorithm) -> str:
    """The JOSE `alg` for a key algorithm (RFC 8037 EdDSA, RFC 7518 §3.4 ES256/ES384)."""
    try:
        return _JWS_ALGORITHMS[algorithm]
    except KeyError:
        raise CoreError(
            f"no JWS algorithm for {algorithm} keys", code="PROOF_GENERATION_ERROR"
        ) from None


def ecdsa_curve_algorithm(private_key: ec.EllipticCurvePrivateKey) -> KeyAlgorithm:
    for name, curve in _CURVES.items():
        if private_key.curve.name == curve.name:
            return name
    raise CoreError(f"unsupported curve {private_key.curve.name}", code="PROOF_GENERATION_ERROR")


def ecdsa_sign(private_key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """ECDSA over `data` with the curve's own hash, as IEEE P1363 `r ‖ s` (fixed length).

    Both Data Integrity ECDSA (VC-DI-ECDSA §3.3.6) and JWS ES256 (RFC 7518 §3.4) want this
    form, not the DER that OpenSSL returns.
    """
    algorithm = ecdsa_curve_algorithm(private_key)
    der = private_key.sign(data, ec.ECDSA(_HASHES[algorithm]))
    r, s = decode_dss_signature(der)
    size = _COORD_BYTES[algorithm]
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def ecdsa_private_key(algorithm: KeyAlgorithm, secret: bytes) -> ec.EllipticCurvePrivateKey:
    """A P-256/P-384 private key from its big-endian private scalar."""
    if algorithm not in _CURVES or len(secret) != _COORD_BYTES[algorithm]:
        raise CoreError(f"not a {algorithm} private key", code="PROOF_GENERATION_ERROR")
    return ec.derive_private_key(int.from_bytes(secret, "big"), _CURVES[algorithm])


def ecdsa_private_bytes(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """The big-endian private scalar, padded to the curve size (what is sealed at rest)."""
    size = _COORD_BYTES[ecdsa_curve_algorithm(private_key)]
    return private_key.private_numbers().private_value.to_bytes(size, "big")


def ecdsa_multikey(public_key: ec.EllipticCurvePublicKey) -> str:
    """`zDn…` (P-256) or `z82…` (P-384) Multikey of a public key (compressed point)."""
    header = mf.P256_PUB if public_key.curve.name == ec.SECP256R1().name else mf.P384_PUB
    raw = public_key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    return mf.encode_multikey(header, raw)


class EcdsaSigner:
    """An in-memory P-256/P-384 signer (tests, demos); signatures are P1363 `r ‖ s`."""

    def __init__(
        self,
        private_key: ec.EllipticCurvePrivateKey,
        *,
        controller: str | None = None,
        verification_method: str | None = None,
    ) -> None:
        self._private_key = private_key
        self.algorithm: KeyAlgorithm = ecdsa_curve_algorithm(private_key)
        self.public_key_multibase = ecdsa_multikey(private_key.public_key())
        self.controller = controller or "did:key:" + self.public_key_multibase
        self.verification_method = verification_method or (
            f"{self.controller}#{self.public_key_multibase}"
        )

    @classmethod
    def generate(
        cls,
        algorithm: KeyAlgorithm = "P-256",
        *,
        controller: str | None = None,
        verification_method: str | None = None,
    ) -> EcdsaSigner:
        if algorithm not in _CURVES:
            raise CoreError(f"not an ECDSA algorithm: {algorithm}", code="PROOF_GENERATION_ERROR")
        key = ec.generate_private_key(_CURVES[algorithm])
        return cls(key, controller=controller, verification_method=verification_method)

    @property
    def public_key(self) -> PublicKey:
        return PublicKey.from_multikey(self.public_key_multibase)

    def sign(self, data: bytes) -> bytes:
        return ecdsa_sign(self._private_key, data)

    def __repr__(self) -> str:  # never show key material
        return f"EcdsaSigner(verification_method={self.verification_method!r})"


@dataclass(frozen=True)
class PublicKey:
    """A verification key of any algorithm credex verifies, with one `verify` for all."""

    algorithm: KeyAlgorithm
    key: ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

    @classmethod
    def from_multikey(cls, value: str) -> PublicKey:
        """Decode a Multikey `publicKeyMultibase` (Ed25519 `z6Mk`, P-256 `zDn`, P-384 `z82`).

        Cached per value: keys are immutable, and verifying resolves the same key repeatedly.
        """
        if cls is PublicKey and type(value) is str:
            return _public_key_of_multikey(value)
        return cls._decode_multikey(value)

    @classmethod
    def _decode_multikey(cls, value: str) -> PublicKey:
        header, raw = mf.decode_multikey(value)
        if header == mf.ED25519_PUB:
            return cls("Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(raw))
        if header in (mf.P256_PUB, mf.P384_PUB):
            alg: KeyAlgorithm = "P-256" if header == mf.P256_PUB else "P-384"
            try:
                point = ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[alg], raw)
            except ValueError as exc:
                raise mf.MultiformatError(f"invalidPublicKey: {exc}") from exc
            return cls(alg, point)
        raise mf.MultiformatError("invalidPublicKey: not a verification key multicodec")

    @classmethod
    def from_ed25519_bytes(cls, raw: bytes) -> PublicKey:
        if len(raw) != 32:
            raise mf.MultiformatError("invalidPublicKeyLength: Ed25519 keys are 32 bytes")
        return cls("Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(raw))

    def to_multikey(self) -> str:
        if isinstance(self.key, ed25519.Ed25519PublicKey):
            raw = self.key.public_bytes(Encoding.Raw, PublicFormat.Raw)
            return mf.encode_multikey(mf.ED25519_PUB, raw)
        if isinstance(self.key, ec.EllipticCurvePublicKey):
            raw = self.key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
            header = mf.P256_PUB if self.algorithm == "P-256" else mf.P384_PUB
            return mf.encode_multikey(header, raw)
        raise CoreError("RSA keys have no Multikey form here", code="MALFORMED_VALUE_ERROR")

    def to_jwk(self) -> dict[str, str]:
        """The public JWK (RFC 8037 OKP for Ed25519, RFC 7518 §6.2 EC for P-256/P-384)."""
        if isinstance(self.key, ed25519.Ed25519PublicKey):
            raw = self.key.public_bytes(Encoding.Raw, PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
        if isinstance(self.key, ec.EllipticCurvePublicKey):
            size = _COORD_BYTES[self.algorithm]
            numbers = self.key.public_numbers()
            return {
                "kty": "EC",
                "crv": self.algorithm,
                "x": _b64url(numbers.x.to_bytes(size, "big")),
                "y": _b64url(numbers.y.to_bytes(size, "big")),
            }
        raise CoreError("RSA keys have no JWK form here", code="MALFORMED_VALUE_ERROR")

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Verify a raw signature: Ed25519 (RFC 8032), ECDSA as IEEE P1363 r||s, RSA PKCS#1 v1.5.

        ECDSA hashes with SHA-256 for P-256 and SHA-384 for P-384 (the curve's own hash).
        """
        try:
            if isinstance(self.key, ed25519.Ed25519PublicKey):
                self.key.verify(signature, data)
            elif isinstance(self.key, ec.EllipticCurvePublicKey):
                size = _COORD_BYTES[self.algorithm]
                if len(signature) != 2 * size:
                    return False
                r = int.from_bytes(signature[:size], "big")
                s = int.from_bytes(signature[size:], "big")
                der = encode_dss_signature(r, s)
                self.key.verify(der, data, ec.ECDSA(_HASHES[self.algorithm]))
            else:
                self.key.verify(signature, data, PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@lru_cache(maxsize=1024)
def _public_key_of_multikey(value: str) -> PublicKey:
    return PublicKey._decode_multikey(value)
