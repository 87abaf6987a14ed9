"""`IssuerKeySigner`: a `credex.core.keys.Signer` over one stored, encrypted issuer key.

`signer_for_issuer(session, issuer_id, settings, algorithm=...)` is THE way to get a signer for
an issuer's active Ed25519 or P-256 key; `issuer_public_jwks` gives the issuer's public keys as
JWKs (for `/.well-known/jwt-vc-issuer`). P-256 keys sign as IEEE P1363 `r ‖ s`.

The seed is decrypted only inside `sign`. Measured on the development machine (cryptography 50,
OpenSSL): AES-GCM open ≈ 1-4 µs, `Ed25519PrivateKey.from_private_bytes` ≈ 56 µs (it derives the
public key), `sign` ≈ 52 µs. Loading on every signature would more than double the signing cost,
so the loaded key object is kept in a small in-process cache for `CACHE_TTL_SECONDS`.

Trade-off: a decrypted key lives in process memory for up to the TTL after its last use (it
would anyway during a batch), in exchange for ~2x faster bulk signing. The cache entry is keyed
by the key id AND a digest of (KEK, nonce, ciphertext), so a wrong KEK or an altered row never
hits a stale entry; `forget_key` drops an entry when a key is compromised. Retired and
compromised keys are never handed out by `signer_for_issuer`, so at worst a cached object sits
unused until it expires.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy.orm import Session

from credex.caching import ExpiringLRU
from credex.core.keys import (
    KeyAlgorithm,
    PublicKey,
    ecdsa_private_key,
    ecdsa_sign,
    jws_algorithm,
)
from credex.db.models import IssuerKey
from credex.errors import Conflict, NotFound
from credex.issuers import repository
from credex.issuers.public import key_controller, key_verification_method
from credex.keys.encryption import SealedKey, open_seed
from credex.keys.provisioning import ISSUER_KEY_ALGORITHMS, ensure_active_key
from credex.settings import Settings

CACHE_TTL_SECONDS = 60.0
CACHE_MAX_KEYS = 256

_CacheKey = tuple[uuid.UUID, bytes]
_PrivateKey = Ed25519PrivateKey | EllipticCurvePrivateKey


# (key id, material digest) → the loaded key, for CACHE_TTL_SECONDS after it was loaded.
_cache: ExpiringLRU[_CacheKey, _PrivateKey] = ExpiringLRU(CACHE_MAX_KEYS)


def forget_key(key_id: uuid.UUID) -> None:
    """Drop a key from this process's cache (after compromise)."""
    _cache.discard(lambda key: key[0] == key_id)


def clear_key_cache() -> None:
    _cache.clear()


class IssuerKeySigner:
    """Signs with an issuer's stored Ed25519 or P-256 key; holds only ciphertext in between."""

    def __init__(
        self,
        *,
        algorithm: KeyAlgorithm = "Ed25519",
        key_id: uuid.UUID,
        issuer_id: uuid.UUID,
        controller: str,
        verification_method: str,
        public_key_multibase: str,
        sealed: SealedKey,
        kek: bytes,
        use_cache: bool = True,
    ) -> None:
        self.algorithm: KeyAlgorithm = algorithm
        self.key_id = key_id
        self.issuer_id = issuer_id
        self.controller = controller
        self.verification_method = verification_method
        self.public_key_multibase = public_key_multibase
        self._sealed = sealed
        self._kek = kek
        self._use_cache = use_cache
        digest = hashlib.sha256(kek + sealed.nonce + sealed.ciphertext).digest()
        self._cache_key: _CacheKey = (key_id, digest)

    @property
    def jws_algorithm(self) -> str:
        """`EdDSA` or `ES256`, for JOSE headers."""
        return jws_algorithm(self.algorithm)

    def sign(self, data: bytes) -> bytes:
        private_key = self._private_key()
        if isinstance(private_key, EllipticCurvePrivateKey):
            return ecdsa_sign(private_key, data)
        return private_key.sign(data)

    def private_seed(self) -> bytes:
        """The raw 32-byte Ed25519 seed, for the bulk signing pool (`issuance.signing_pool`)."""
        private_key = self._private_key()
        if not isinstance(private_key, Ed25519PrivateKey):
            raise TypeError("only Ed25519 keys go to the bulk signing pool")
        return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def _private_key(self) -> _PrivateKey:
        if self._use_cache:
            cached = _cache.get(self._cache_key)
            if cached is not None:
                return cached
        seed = open_seed(self._kek, self._sealed, key_id=self.key_id, issuer_id=self.issuer_id)
        private_key: _PrivateKey
        if self.algorithm == "Ed25519":
            private_key = Ed25519PrivateKey.from_private_bytes(seed)
        else:
            private_key = ecdsa_private_key(self.algorithm, seed)
        if self._use_cache:
            _cache.put(self._cache_key, private_key, CACHE_TTL_SECONDS)
        return private_key

    def __repr__(self) -> str:  # never show key material
        return f"IssuerKeySigner(verification_method={self.verification_method!r})"


def _algorithm_of(key: IssuerKey) -> KeyAlgorithm:
    for algorithm in ISSUER_KEY_ALGORITHMS:
        if key.algorithm == algorithm:
            return algorithm
    raise ValueError(f"unexpected stored key algorithm {key.algorithm!r}")


def signer_for_key(key: IssuerKey, settings: Settings) -> IssuerKeySigner:
    return IssuerKeySigner(
        algorithm=_algorithm_of(key),
        key_id=key.id,
        issuer_id=key.issuer_id,
        controller=key_controller(key, settings.base_url),
        verification_method=key_verification_method(key, settings.base_url),
        public_key_multibase=key.public_key_multibase,
        sealed=SealedKey(nonce=key.private_key_nonce, ciphertext=key.private_key_ciphertext),
        kek=settings.resolve_key_encryption_key(),
    )


def signer_for_issuer(
    session: Session,
    issuer_id: uuid.UUID,
    settings: Settings,
    *,
    algorithm: KeyAlgorithm = "Ed25519",
) -> IssuerKeySigner:
    """A signer over the issuer's active key of `algorithm` (`Ed25519` or `P-256`).

    Callers have already checked who may sign. An issuer created before P-256 keys existed gets
    its P-256 key here, in the caller's transaction. 404 for an unknown issuer, 409 when the
    issuer has no active key of that algorithm (all compromised: rotate to create one).
    """
    if algorithm not in ISSUER_KEY_ALGORITHMS:
        raise Conflict(f"issuers sign with Ed25519 or P-256 keys, not {algorithm}")
    key = ensure_active_key(session, issuer_id, algorithm, settings)
    if key is None:
        if repository.find_issuer(session, issuer_id) is None:
            raise NotFound("no issuer with this id")
        raise Conflict(f"this issuer has no active {algorithm} signing key; rotate to create one")
    return signer_for_key(key, settings)


def issuer_public_jwks(
    session: Session, issuer_id: uuid.UUID, settings: Settings, *, include_retired: bool = True
) -> list[dict[str, Any]]:
    """The issuer's public keys as JWKs (RFC 7517), for `/.well-known/jwt-vc-issuer` `jwks`.

    Each JWK carries `kid` (the verification method id, as signers put it in JOSE headers),
    `alg` (`EdDSA`/`ES256`) and `use: sig`. Active keys come first; retired keys follow (their
    old signatures stay valid) unless `include_retired` is False. Compromised keys are left
    out: JWK sets have no way to say "valid before this date". Unknown issuer: empty list.
    """
    keys = repository.keys_of(session, issuer_id)
    wanted = ("active", "retired") if include_retired else ("active",)
    ordered = sorted(
        (key for key in keys if key.status in wanted),
        key=lambda key: (key.status != "active", key.number),
    )
    return [
        {
            **PublicKey.from_multikey(key.public_key_multibase).to_jwk(),
            "kid": key_verification_method(key, settings.base_url),
            "alg": jws_algorithm(_algorithm_of(key)),
            "use": "sig",
        }
        for key in ordered
    ]
