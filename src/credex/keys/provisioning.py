"""Creating issuer keys: one active Ed25519 and one active P-256 key per issuer.

Ed25519 signs eddsa-rdfc-2022 proofs and EdDSA JWS; P-256 signs ecdsa-rdfc-2019 and
ecdsa-sd-2023 proofs and ES256 JWS (DIIP and HAIP require ES256). Only the sealed private half
(`credex.keys.encryption`) and the public Multikey are stored.
"""

from __future__ import annotations

import logging
import uuid

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from credex.core import multiformats as mf
from credex.core.keys import KeyAlgorithm, ecdsa_multikey, ecdsa_private_bytes
from credex.db.base import utcnow
from credex.db.models import IssuerKey
from credex.issuers import repository
from credex.keys.encryption import seal_seed
from credex.settings import Settings

logger = logging.getLogger("credex.keys")

# Every issuer holds one active key of each: Ed25519 (eddsa-rdfc-2022, EdDSA JWS) and P-256
# (ecdsa-rdfc-2019, ecdsa-sd-2023, ES256 JWS as DIIP and HAIP require).
ISSUER_KEY_ALGORITHMS: tuple[KeyAlgorithm, ...] = ("Ed25519", "P-256")


def _new_private_key(algorithm: KeyAlgorithm) -> tuple[bytes, str]:
    """(32-byte secret to seal, public Multikey) of a fresh key."""
    if algorithm == "Ed25519":
        ed_key = Ed25519PrivateKey.generate()
        public_raw = ed_key.public_key().public_bytes_raw()
        return ed_key.private_bytes_raw(), mf.encode_multikey(mf.ED25519_PUB, public_raw)
    if algorithm == "P-256":
        ec_key = ec.generate_private_key(ec.SECP256R1())
        return ecdsa_private_bytes(ec_key), ecdsa_multikey(ec_key.public_key())
    raise ValueError(f"issuers hold Ed25519 and P-256 keys, not {algorithm}")


def create_key(
    session: Session,
    issuer_id: uuid.UUID,
    number: int,
    kek: bytes,
    algorithm: KeyAlgorithm = "Ed25519",
    *,
    did_key: bool = False,
) -> IssuerKey:
    """Generate a key; only the sealed private half and the public Multikey are stored.

    `did_key`: the key belongs to a did:key issuer, so it is named by its own did:key.
    """
    secret, public_multibase = _new_private_key(algorithm)
    key_id = uuid.uuid4()
    sealed = seal_seed(kek, secret, key_id=key_id, issuer_id=issuer_id)
    key = IssuerKey(
        id=key_id,
        issuer_id=issuer_id,
        number=number,
        algorithm=algorithm,
        public_key_multibase=public_multibase,
        controller=f"did:key:{public_multibase}" if did_key else None,
        private_key_nonce=sealed.nonce,
        private_key_ciphertext=sealed.ciphertext,
        status="active",
        created_at=utcnow(),
    )
    session.add(key)
    session.flush()
    logger.info(
        "signing key created",
        extra={
            "issuer_id": str(issuer_id),
            "key_id": str(key_id),
            "key_number": number,
            "algorithm": algorithm,
        },
    )
    return key


def create_issuer_keys(
    session: Session, issuer_id: uuid.UUID, kek: bytes, *, did_key: bool = False
) -> list[IssuerKey]:
    """A new issuer's first keys: `key-1` (Ed25519) and `key-2` (P-256)."""
    return [
        create_key(session, issuer_id, number, kek, algorithm, did_key=did_key)
        for number, algorithm in enumerate(ISSUER_KEY_ALGORITHMS, start=1)
    ]


def ensure_active_key(
    session: Session, issuer_id: uuid.UUID, algorithm: KeyAlgorithm, settings: Settings
) -> IssuerKey | None:
    """The issuer's active key of `algorithm`, creating a P-256 key on first need.

    Issuers created before P-256 keys existed get theirs here, inside the caller's transaction
    (the key-encryption key is a run-time setting, so a migration could not seal one). The
    issuer row is locked first, so two first uses at once create one key, not two. An
    Ed25519 key is never created here: its absence means every key was compromised, which
    an explicit rotation repairs. None when the issuer does not exist.
    """
    key = repository.active_key(session, issuer_id, algorithm)
    if key is not None or algorithm != "P-256":
        return key
    issuer = repository.lock_issuer(session, issuer_id)
    if issuer is None or issuer.did_method == "key":
        return None  # a did:key issuer's keys are its identifiers: never added later
    key = repository.active_key(session, issuer_id, algorithm)
    if key is not None:
        return key
    if repository.keys_of_algorithm_exist(session, issuer_id, algorithm):
        return None  # the P-256 key was compromised: rotation, not first use, replaces it
    number = repository.highest_key_number(session, issuer_id) + 1
    return create_key(session, issuer_id, number, settings.resolve_key_encryption_key(), algorithm)
