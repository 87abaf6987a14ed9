"""Private keys at rest: AES-256-GCM under the key-encryption key (KEK) from settings.

Each seed (an Ed25519 seed or a P-256 private scalar, both 32 bytes) gets a fresh random
96-bit nonce. The associated data is the key row's id followed by
its issuer's id (16 + 16 bytes), so a ciphertext copied into another row, or another issuer's
row, fails authentication instead of silently signing for the wrong issuer.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
SEED_BYTES = 32


class KeyDecryptionError(RuntimeError):
    """The ciphertext does not open under this KEK and row identity (wrong KEK or tampering)."""


@dataclass(frozen=True, repr=False)
class SealedKey:
    nonce: bytes
    ciphertext: bytes


def associated_data(key_id: uuid.UUID, issuer_id: uuid.UUID) -> bytes:
    return key_id.bytes + issuer_id.bytes


def seal_seed(kek: bytes, seed: bytes, *, key_id: uuid.UUID, issuer_id: uuid.UUID) -> SealedKey:
    if len(seed) != SEED_BYTES:
        raise ValueError("a private key (Ed25519 seed or P-256 scalar) is 32 bytes")
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(kek).encrypt(nonce, seed, associated_data(key_id, issuer_id))
    return SealedKey(nonce=nonce, ciphertext=ciphertext)


def open_seed(kek: bytes, sealed: SealedKey, *, key_id: uuid.UUID, issuer_id: uuid.UUID) -> bytes:
    try:
        seed = AESGCM(kek).decrypt(
            sealed.nonce, sealed.ciphertext, associated_data(key_id, issuer_id)
        )
    except InvalidTag as exc:
        raise KeyDecryptionError(
            f"signing key {key_id} cannot be decrypted: wrong key-encryption key or altered row"
        ) from exc
    if len(seed) != SEED_BYTES:
        raise KeyDecryptionError(f"signing key {key_id} does not hold a 32-byte seed")
    return seed
