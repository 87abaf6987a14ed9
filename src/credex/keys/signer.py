"""`IssuerKeySigner`: a `credex.core.keys.Signer` over one stored, encrypted issuer key.

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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy.orm import Session

from credex.caching import ExpiringLRU
from credex.core.keys import KeyAlgorithm
from credex.db.models import IssuerKey
from credex.errors import Conflict, NotFound
from credex.issuers import repository
from credex.issuers.public import issuer_did, verification_method_id
from credex.keys.encryption import SealedKey, open_seed
from credex.settings import Settings

CACHE_TTL_SECONDS = 60.0
CACHE_MAX_KEYS = 256

_CacheKey = tuple[uuid.UUID, bytes]


# (key id, material digest) → the loaded key, for CACHE_TTL_SECONDS after it was loaded.
_cache: ExpiringLRU[_CacheKey, Ed25519PrivateKey] = ExpiringLRU(CACHE_MAX_KEYS)


def forget_key(key_id: uuid.UUID) -> None:
    """Drop a key from this process's cache (after compromise)."""
    _cache.discard(lambda key: key[0] == key_id)


def clear_key_cache() -> None:
    _cache.clear()


class IssuerKeySigner:
    """Signs with an issuer's stored Ed25519 key; holds only ciphertext between signatures."""

    algorithm: KeyAlgorithm = "Ed25519"

    def __init__(
        self,
        *,
        key_id: uuid.UUID,
        issuer_id: uuid.UUID,
        controller: str,
        verification_method: str,
        public_key_multibase: str,
        sealed: SealedKey,
        kek: bytes,
        use_cache: bool = True,
    ) -> None:
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

    def sign(self, data: bytes) -> bytes:
        return self._private_key().sign(data)

    def private_seed(self) -> bytes:
        """The raw 32-byte seed, for the bulk signing pool (`credex.issuance.signing_pool`)."""
        return self._private_key().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def _private_key(self) -> Ed25519PrivateKey:
        if self._use_cache:
            cached = _cache.get(self._cache_key)
            if cached is not None:
                return cached
        seed = open_seed(self._kek, self._sealed, key_id=self.key_id, issuer_id=self.issuer_id)
        private_key = Ed25519PrivateKey.from_private_bytes(seed)
        if self._use_cache:
            _cache.put(self._cache_key, private_key, CACHE_TTL_SECONDS)
        return private_key

    def __repr__(self) -> str:  # never show key material
        return f"IssuerKeySigner(verification_method={self.verification_method!r})"


def signer_for_key(key: IssuerKey, settings: Settings) -> IssuerKeySigner:
    did = issuer_did(key.issuer_id, settings.base_url)
    return IssuerKeySigner(
        key_id=key.id,
        issuer_id=key.issuer_id,
        controller=did,
        verification_method=verification_method_id(did, key.number),
        public_key_multibase=key.public_key_multibase,
        sealed=SealedKey(nonce=key.private_key_nonce, ciphertext=key.private_key_ciphertext),
        kek=settings.resolve_key_encryption_key(),
    )


def signer_for_issuer(
    session: Session, issuer_id: uuid.UUID, settings: Settings
) -> IssuerKeySigner:
    """A signer over the issuer's active key (callers have already checked who may sign)."""
    key = repository.active_key(session, issuer_id)
    if key is None:
        if repository.find_issuer(session, issuer_id) is None:
            raise NotFound("no issuer with this id")
        raise Conflict("this issuer has no active signing key; rotate to create one")
    return signer_for_key(key, settings)
