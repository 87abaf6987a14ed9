"""Set-up for the ELM tests (no tests): issuers with what an ELM issuer needs, e-seal material."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from credex.db.models import Issuer
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, make_tenant

LEGAL_ID = "IT01234567890"


def give_legal_identity(database: Database, issuer_id: uuid.UUID) -> None:
    """The issuer's legal identifier (EDC issuer rule) and a French name variant is not needed:
    the country is already set by `make_issuer`."""
    with database.unit_of_work() as session:
        issuer = session.get(Issuer, issuer_id)
        assert issuer is not None
        issuer.other_identifiers = [
            {"identifier": LEGAL_ID, "identifier_type": "ext:LegalIdentifier"}
        ]


def elm_tenant(database: Database, settings: Settings, name: str = "ELM Lab") -> Tenant:
    tenant = make_tenant(database, settings, name)
    give_legal_identity(database, tenant.issuer_id)
    return tenant


def self_signed_seal(common_name: str = "ELM Lab e-seal") -> tuple[str, str]:
    """(certificate PEM, P-256 private key PEM) of a self-signed e-seal certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ELM Lab"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return cert_pem, key_pem
