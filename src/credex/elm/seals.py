"""Issuers' e-seals: an X.509 certificate (chain) and its P-256 private key, for JAdES seals.

Uploaded by an admin (the certificate comes from a trust service provider; credex does not
issue them). The private key is checked against the certificate, then stored only encrypted
under the key-encryption key (`credex.keys.encryption`, associated data = seal id + issuer id);
it is decrypted only to seal. Replacing the seal does not re-seal what is already stored.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from credex.core.elm import jades
from credex.db.base import utcnow
from credex.db.models import Issuer, IssuerSeal
from credex.errors import InvalidInput, NotFound, field_error
from credex.keys.encryption import SealedKey, open_seed, seal_seed
from credex.settings import Settings

_SCALAR_BYTES = 32


def issuer_seal(session: Session, issuer_id: uuid.UUID) -> IssuerSeal | None:
    seal: IssuerSeal | None = session.scalar(
        select(IssuerSeal).where(IssuerSeal.issuer_id == issuer_id)
    )
    return seal


def _invalid(pointer: str, detail: str) -> InvalidInput:
    return InvalidInput(detail, errors=[field_error(pointer, detail)])


def _chain(pem: str) -> list[x509.Certificate]:
    try:
        chain = x509.load_pem_x509_certificates(pem.encode())
    except ValueError as exc:
        raise _invalid("/certificate_chain", f"not PEM X.509 certificates: {exc}") from exc
    if not chain:
        raise _invalid("/certificate_chain", "no certificate found")
    return chain


def _private_key(pem: str) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise _invalid("/private_key", f"not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise _invalid("/private_key", "the e-seal key must be an EC P-256 key (ES256)")
    return key


def put_seal(
    session: Session,
    issuer_id: uuid.UUID,
    certificate_chain: str,
    private_key: str,
    settings: Settings,
) -> IssuerSeal:
    """Store (or replace) the issuer's e-seal after checking the key fits the certificate."""
    if session.get(Issuer, issuer_id) is None:
        raise NotFound(f"no issuer {issuer_id}")
    chain = _chain(certificate_chain)
    key = _private_key(private_key)
    if chain[0].public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise _invalid("/private_key", "the key does not belong to the first certificate")
    session.execute(delete(IssuerSeal).where(IssuerSeal.issuer_id == issuer_id))
    seal_id = uuid.uuid4()
    scalar = key.private_numbers().private_value.to_bytes(_SCALAR_BYTES, "big")
    sealed = seal_seed(
        settings.resolve_key_encryption_key(), scalar, key_id=seal_id, issuer_id=issuer_id
    )
    pem = "".join(cert.public_bytes(serialization.Encoding.PEM).decode("ascii") for cert in chain)
    seal = IssuerSeal(
        id=seal_id,
        issuer_id=issuer_id,
        certificate_chain=pem,
        private_key_nonce=sealed.nonce,
        private_key_ciphertext=sealed.ciphertext,
        created_at=utcnow(),
    )
    session.add(seal)
    session.flush()
    return seal


def seal_document(seal: IssuerSeal, signed: str, settings: Settings, now: datetime) -> str:
    """The JAdES JWS (JSON serialization) over the signed ELM credential's exact text."""
    scalar = open_seed(
        settings.resolve_key_encryption_key(),
        SealedKey(nonce=seal.private_key_nonce, ciphertext=seal.private_key_ciphertext),
        key_id=seal.id,
        issuer_id=seal.issuer_id,
    )
    key = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
    chain = x509.load_pem_x509_certificates(seal.certificate_chain.encode())
    sealed = jades.seal(signed, key, chain, now)
    return json.dumps(sealed, ensure_ascii=False, separators=(",", ":"))


def certificate_subject(seal: IssuerSeal) -> str:
    return x509.load_pem_x509_certificates(seal.certificate_chain.encode())[
        0
    ].subject.rfc4514_string()
