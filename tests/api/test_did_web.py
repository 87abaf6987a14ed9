"""did:web identifiers, the public DID document and the public OB 3.0 Profile."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.core.credentials.profile import Profile
from credex.core.dids import did_web_to_url, resolve_verification_method
from credex.core.jsonld import detect_data_loss
from credex.db.models import Issuer
from credex.db.session import Database
from credex.issuers.public import issuer_did, issuer_id_from_did, issuer_profile
from credex.issuers.service import DEMO_ISSUER_ID, ensure_demo_issuer
from credex.keys.signer import signer_for_issuer
from credex.settings import Settings
from tests.api.test_issuers import FULL_ISSUER, new_issuer

ISSUER_ID = uuid.UUID("0b5e8a52-8f0e-4c55-9f57-3f0a1c2d9e11")


@pytest.mark.parametrize(
    ("base_url", "did", "document_url"),
    [
        (
            "http://localhost:8000",
            f"did:web:localhost%3A8000:issuers:{ISSUER_ID}",
            f"https://localhost:8000/issuers/{ISSUER_ID}/did.json",
        ),
        (
            "https://badges.example.org",
            f"did:web:badges.example.org:issuers:{ISSUER_ID}",
            f"https://badges.example.org/issuers/{ISSUER_ID}/did.json",
        ),
        (
            "https://example.org/credex",
            f"did:web:example.org:credex:issuers:{ISSUER_ID}",
            f"https://example.org/credex/issuers/{ISSUER_ID}/did.json",
        ),
    ],
)
def test_did_is_derived_from_the_base_url_and_resolves_back(
    base_url: str, did: str, document_url: str
) -> None:
    assert issuer_did(ISSUER_ID, base_url) == did
    assert did_web_to_url(did) == document_url
    assert issuer_id_from_did(did, base_url) == ISSUER_ID
    assert issuer_id_from_did(did, "https://other.example") is None
    assert issuer_id_from_did(did.rsplit(":", 1)[0] + ":not-a-uuid", base_url) is None


def _document(client: TestClient, issuer_id: str) -> dict[str, Any]:
    response = client.get(f"/issuers/{issuer_id}/did.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/did+json"
    assert response.headers["cache-control"] == "public, max-age=60"
    document: dict[str, Any] = response.json()
    return document


def test_did_document_lists_every_key_as_multikey(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    issuer = new_issuer(client, admin_headers)
    client.post(f"/api/v1/issuers/{issuer['id']}/keys/rotate", headers=admin_headers)
    document = _document(client, issuer["id"])  # no token needed
    did = issuer["did"]
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == did
    keys = client.get(f"/api/v1/issuers/{issuer['id']}/keys", headers=admin_headers).json()
    assert document["verificationMethod"] == [
        {
            "id": f"{did}#{key['name']}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key["public_key_multibase"],
        }
        for key in keys["items"]
    ]
    # key-1 Ed25519 and key-2 P-256 at creation, then the rotation's key-3 and key-4
    assert [key["algorithm"] for key in keys["items"]] == ["Ed25519", "P-256"] * 2
    assert [key["public_key_multibase"][:4] for key in keys["items"]] == ["z6Mk", "zDna"] * 2
    assert document["assertionMethod"] == [f"{did}#key-{n}" for n in (1, 2, 3, 4)]
    assert "authentication" not in document


def test_unknown_issuer_documents_are_404_problems(client: TestClient) -> None:
    for path in (f"/issuers/{uuid.uuid4()}/did.json", f"/issuers/{uuid.uuid4()}"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_core_resolver_finds_keys_and_signatures_verify_across_rotation(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    """What an external verifier does: resolve the did:web URL, find the key, check it."""
    issuer = new_issuer(client, admin_headers)
    with database.session() as session:
        old_signer = signer_for_issuer(session, uuid.UUID(issuer["id"]), settings)
    old_signature = old_signer.sign(b"credential")
    client.post(f"/api/v1/issuers/{issuer['id']}/keys/rotate", headers=admin_headers)
    url = did_web_to_url(issuer["did"])
    documents = {url: _document(client, issuer["id"])}
    resolved = resolve_verification_method(old_signer.verification_method, documents)
    assert resolved.controller == issuer["did"]
    assert resolved.public_key.verify(old_signature, b"credential")


def test_compromised_key_carries_revoked_and_stays_an_assertion_method(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    issuer = new_issuer(client, admin_headers)
    since = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/key-1/compromise",
        json={"since": since.isoformat()},
        headers=admin_headers,
    )
    document = _document(client, issuer["id"])
    first = document["verificationMethod"][0]
    assert first["id"].endswith("#key-1")
    assert first["revoked"] == "2026-05-04T03:02:01Z"
    assert first["id"] in document["assertionMethod"]
    assert resolve_verification_method(first["id"], {did_web_to_url(issuer["did"]): document})


def test_public_profile_is_an_ob3_profile(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    issuer = new_issuer(client, admin_headers, **FULL_ISSUER)
    response = client.get(f"/issuers/{issuer['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert "max-age" in response.headers["cache-control"]
    profile = response.json()
    assert profile == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": issuer["did"],
        "type": ["Profile"],
        "name": FULL_ISSUER["name"],
        "url": FULL_ISSUER["url"],
        "phone": FULL_ISSUER["phone"],
        "description": FULL_ISSUER["description"],
        "email": FULL_ISSUER["email"],
        "image": {"id": FULL_ISSUER["image"], "type": "Image"},
        "address": {
            "type": ["Address"],
            "streetAddress": "Via del Corso 2",
            "addressLocality": "Potenza",
            "addressRegion": "Basilicata",
            "postalCode": "85100",
            "addressCountry": "Italy",
            "addressCountryCode": "IT",
        },
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": "IT09876543210",
                "identifierType": "ext:LegalIdentifier",
            },
            {"type": "IdentifierEntry", "identifier": "lab-42", "identifierType": "systemId"},
        ],
    }
    Profile.model_validate(profile)
    detect_data_loss(profile)  # every term is defined by the OB context, so a proof covers it


def test_embedded_profile_is_the_public_one_without_context(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    issuer = new_issuer(client, admin_headers, name="Minimal")
    public = client.get(f"/issuers/{issuer['id']}").json()
    with database.session() as session:
        stored = session.get(Issuer, uuid.UUID(issuer["id"]))
        assert stored is not None
        embedded = issuer_profile(stored, settings.base_url)
    assert "@context" not in embedded
    assert {"@context": public["@context"], **embedded} == public
    assert public["address"] == {"type": ["Address"], "addressCountryCode": "IT"}


def test_demo_issuer_is_idempotent_and_complete(database: Database, settings: Settings) -> None:
    with database.unit_of_work() as session:
        first = ensure_demo_issuer(session, settings)
        first_updated = first.updated_at
    with database.unit_of_work() as session:
        second = ensure_demo_issuer(session, settings)
        assert second.id == first.id == DEMO_ISSUER_ID
        assert second.updated_at == first_updated
        profile = issuer_profile(second, settings.base_url)
    assert profile["name"] == "Materahub Academy"
    assert profile["address"]["addressCountryCode"] == "IT"
    assert second.quality_assurance is not None
    assert second.quality_assurance["type"] == "internal quality assurance aligned with ESG"
    assert profile["otherIdentifier"][0]["identifierType"] == "ext:LegalIdentifier"
    with database.session() as session:
        signer = signer_for_issuer(session, DEMO_ISSUER_ID, settings)
    assert signer.verification_method == f"{issuer_did(DEMO_ISSUER_ID, settings.base_url)}#key-1"


def test_dates_in_the_future_are_not_revoked_yet(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    """A compromise reported a few minutes ahead (clock skew) is accepted as sent."""
    issuer = new_issuer(client, admin_headers)
    soon = datetime.now(UTC) + timedelta(minutes=2)
    response = client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/key-1/compromise",
        json={"since": soon.isoformat()},
        headers=admin_headers,
    )
    assert response.status_code == 200
    assert datetime.fromisoformat(response.json()["compromised_since"]) == soon
