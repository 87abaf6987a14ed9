"""P-256 issuer keys beside Ed25519: created with the issuer or on first need, published in the
DID document and as JWKs, signing verifiably (DIIP/HAIP need ES256)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from credex.core.dids import did_web_to_url, public_key_from_jwk, resolve_verification_method
from credex.db.models import IssuerKey
from credex.db.session import Database
from credex.errors import Conflict
from credex.keys.signer import clear_key_cache, issuer_public_jwks, signer_for_issuer
from credex.settings import Settings
from tests.api.test_issuers import new_issuer


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> Iterator[None]:
    clear_key_cache()
    yield
    clear_key_cache()


def test_p256_signer_verifies_against_the_did_document(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers)
    with database.session() as session:
        signer = signer_for_issuer(session, uuid.UUID(issuer["id"]), settings, algorithm="P-256")
    assert (signer.algorithm, signer.jws_algorithm) == ("P-256", "ES256")
    assert signer.verification_method == f"{issuer['did']}#key-2"
    signature = signer.sign(b"payload")
    assert len(signature) == 64  # IEEE P1363 r || s, not DER
    document = client.get(f"/issuers/{issuer['id']}/did.json").json()
    resolved = resolve_verification_method(
        signer.verification_method, {did_web_to_url(issuer["did"]): document}
    )
    assert resolved.public_key.algorithm == "P-256"
    assert resolved.public_key.verify(signature, b"payload")
    assert not resolved.public_key.verify(signature, b"tampered")
    assert signer.verification_method in document["assertionMethod"]


def test_an_issuer_without_a_p256_key_gets_one_on_first_need(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    """Issuers created before P-256 keys existed: no manual step, one key, created once."""
    issuer = new_issuer(client, admin_headers)
    issuer_id = uuid.UUID(issuer["id"])
    with database.unit_of_work() as session:  # what an issuer from before 0011 looks like
        session.execute(
            delete(IssuerKey).where(
                IssuerKey.issuer_id == issuer_id, IssuerKey.algorithm == "P-256"
            )
        )
    before = client.get(f"/issuers/{issuer['id']}/did.json").json()
    assert [m["publicKeyMultibase"][:4] for m in before["verificationMethod"]] == ["z6Mk"]
    with database.unit_of_work() as session:
        first = signer_for_issuer(session, issuer_id, settings, algorithm="P-256")
    with database.unit_of_work() as session:
        again = signer_for_issuer(session, issuer_id, settings, algorithm="P-256")
    assert first.key_id == again.key_id
    assert first.verification_method == f"{issuer['did']}#key-2"
    with database.session() as session:
        keys = session.scalars(select(IssuerKey).where(IssuerKey.issuer_id == issuer_id)).all()
    assert sorted((k.number, k.algorithm, k.status) for k in keys) == [
        (1, "Ed25519", "active"),
        (2, "P-256", "active"),
    ]
    after = client.get(f"/issuers/{issuer['id']}/did.json").json()
    assert after["verificationMethod"][1]["publicKeyMultibase"] == first.public_key_multibase


def test_a_compromised_p256_key_is_not_silently_replaced_on_use(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers)
    with database.unit_of_work() as session:
        key = session.scalar(
            select(IssuerKey).where(
                IssuerKey.issuer_id == uuid.UUID(issuer["id"]), IssuerKey.algorithm == "P-256"
            )
        )
        assert key is not None
        key.status = "compromised"
    with (
        database.session() as session,
        pytest.raises(Conflict, match="no active P-256 signing key; rotate"),
    ):
        signer_for_issuer(session, uuid.UUID(issuer["id"]), settings, algorithm="P-256")
    rotated = client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/rotate?algorithm=P-256", headers=admin_headers
    )
    assert rotated.status_code == 201
    with database.session() as session:
        signer = signer_for_issuer(session, uuid.UUID(issuer["id"]), settings, algorithm="P-256")
    assert signer.verification_method == f"{issuer['did']}#key-3"


def test_public_jwks_list_active_then_retired_keys_and_never_compromised_ones(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers)
    issuer_id = uuid.UUID(issuer["id"])
    client.post(f"/api/v1/issuers/{issuer['id']}/keys/rotate", headers=admin_headers)
    client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/key-1/compromise",
        json={"since": "2026-01-01T00:00:00Z"},
        headers=admin_headers,
    )
    with database.session() as session:
        jwks = issuer_public_jwks(session, issuer_id, settings)
        active_only = issuer_public_jwks(session, issuer_id, settings, include_retired=False)
        signer = signer_for_issuer(session, issuer_id, settings, algorithm="P-256")
    did = issuer["did"]
    assert [(j["kid"], j["alg"], j["kty"], j["crv"]) for j in jwks] == [
        (f"{did}#key-3", "EdDSA", "OKP", "Ed25519"),
        (f"{did}#key-4", "ES256", "EC", "P-256"),
        (f"{did}#key-2", "ES256", "EC", "P-256"),
    ]
    assert [j["kid"] for j in active_only] == [f"{did}#key-3", f"{did}#key-4"]
    assert all(j["use"] == "sig" and "d" not in j for j in jwks)
    assert public_key_from_jwk(jwks[1]).verify(signer.sign(b"x"), b"x")
    with database.session() as session:
        assert issuer_public_jwks(session, uuid.uuid4(), settings) == []
