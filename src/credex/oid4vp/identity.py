"""credex's identity as an OpenID4VP verifier: one Ed25519 key, its did:key, its client_id.

The key is derived (HKDF-SHA256) from the key-encryption key, so every worker and every restart
signs with the same key and nothing more has to be stored or protected: whoever can read the
key-encryption key can already decrypt every issuer's keys. The `client_id` uses the
`decentralized_identifier` prefix (OpenID4VP 1.0 §5.9.3), so a wallet resolves the did:key
offline to check the request object's signature.
"""

from __future__ import annotations

import os
import uuid
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from credex.core.keys import Ed25519Signer
from credex.core.oid4vp.request import client_id_for
from credex.settings import Settings

_INFO = b"credex OpenID4VP verifier request-signing key v1"


@lru_cache(maxsize=8)
def _signer_for(kek: bytes) -> Ed25519Signer:
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(kek)
    return Ed25519Signer.from_seed(seed)


def verifier_signer(settings: Settings) -> Ed25519Signer:
    return _signer_for(settings.resolve_key_encryption_key())


def verifier_client_id(settings: Settings) -> str:
    return client_id_for(verifier_signer(settings).controller)


def new_encryption_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def seal_encryption_key(
    settings: Settings, key: ec.EllipticCurvePrivateKey, request_id: uuid.UUID
) -> str:
    """The request's ephemeral response-decryption key, AES-GCM under the key-encryption key."""
    nonce = os.urandom(12)
    scalar = key.private_numbers().private_value.to_bytes(32, "big")
    sealed = AESGCM(settings.resolve_key_encryption_key()).encrypt(nonce, scalar, request_id.bytes)
    return (nonce + sealed).hex()


def open_encryption_key(
    settings: Settings, sealed: str, request_id: uuid.UUID
) -> ec.EllipticCurvePrivateKey:
    data = bytes.fromhex(sealed)
    scalar = AESGCM(settings.resolve_key_encryption_key()).decrypt(
        data[:12], data[12:], request_id.bytes
    )
    return ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
