"""Issuers identified by did:key (chosen at creation): issuing and verifying in every format,
no did:web document, and keys that cannot rotate (VC DM 2.0 suites resolve did:key only)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.core.dids import did_key_document
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, issue, make_tenant
from tests.api.test_issuers import auth, issuer_token
from tests.api.test_verify import outcomes


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings, did_method="did:key")


def _create(client: TestClient, admin_headers: dict[str, str], **fields: Any) -> Any:
    return client.post(
        "/api/v1/issuers", json={"name": "No Domain Academy", **fields}, headers=admin_headers
    )


def test_a_did_key_issuer_is_named_by_its_ed25519_key_and_its_p256_key_by_a_second_did_key(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    created = _create(client, admin_headers, did_method="did:key")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["did_method"] == "did:key"
    assert body["did"].startswith("did:key:z6Mk")
    assert body["did_document_url"] is None
    keys = client.get(f"/api/v1/issuers/{body['id']}/keys", headers=admin_headers).json()["items"]
    ed, p256 = keys
    assert ed["verification_method"] == f"{body['did']}#{ed['public_key_multibase']}"
    assert p256["public_key_multibase"].startswith("zDn")
    p256_did = f"did:key:{p256['public_key_multibase']}"
    assert p256["verification_method"] == f"{p256_did}#{p256['public_key_multibase']}"
    assert body["active_verification_method"] == ed["verification_method"]
    # each did:key resolves locally to a document holding exactly that key
    assert did_key_document(p256_did)["assertionMethod"] == [p256["verification_method"]]
    profile = client.get(f"/issuers/{body['id']}").json()
    assert profile["id"] == body["did"]
    missing = client.get(f"/issuers/{body['id']}/did.json")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "did:key" in missing.json()["detail"]
    page = client.get(f"/issuers/{body['id']}", headers={"Accept": "text/html"})
    assert body["did"] in page.text
    assert "did.json" not in page.text  # no link to a document that does not exist

    default = _create(client, admin_headers).json()
    assert (default["did_method"], default["did"][:8]) == ("did:web", "did:web:")
    wrong = _create(client, admin_headers, did_method="did:ion")
    assert wrong.status_code == 422
    assert wrong.headers["content-type"] == "application/problem+json"


def test_a_did_key_issuer_cannot_rotate_and_says_why(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    body = _create(client, admin_headers, did_method="did:key").json()
    own = auth(issuer_token(database, body["id"]))
    before = client.get(f"/api/v1/issuers/{body['id']}/keys", headers=own).json()
    for path in ("keys/rotate", "keys/rotate?algorithm=P-256"):
        refused = client.post(f"/api/v1/issuers/{body['id']}/{path}", headers=own)
        assert refused.status_code == 409
        assert refused.headers["content-type"] == "application/problem+json"
        assert "did:key" in refused.json()["detail"]
        assert "new identifier" in refused.json()["detail"]
    assert client.get(f"/api/v1/issuers/{body['id']}/keys", headers=own).json() == before


@pytest.mark.parametrize("fmt", ["ldp", "jwt"])
def test_credentials_of_a_did_key_issuer_verify_in_every_format(
    client: TestClient, tenant: Tenant, fmt: str
) -> None:
    issued = issue(client, tenant, format=fmt)
    request = {"credential": issued["credential"]} if fmt == "ldp" else {"jwt": issued["jwt"]}
    body = client.post("/api/v1/verify", json=request).json()
    assert body["verified"] is True, body
    assert outcomes(body)["status"] == "passed"  # the list is signed by the did:key too
    assert body["credential"]["issuer"]["trust"]["status"] == "this-service"
    if fmt == "ldp":
        credential = issued["credential"]
        assert credential["issuer"]["id"].startswith("did:key:z6Mk")
        method = credential["proof"][0]["verificationMethod"]
        assert method.startswith(credential["issuer"]["id"] + "#z6Mk")


def test_the_vc_api_issues_for_a_did_key_issuer(client: TestClient, tenant: Tenant) -> None:
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": f"urn:uuid:{uuid.uuid4()}"},
    }
    issued = client.post(
        "/credentials/issue", json={"credential": credential}, headers=tenant.headers
    )
    assert issued.status_code == 201, issued.text
    signed = issued.json()["verifiableCredential"]
    assert signed["issuer"].startswith("did:key:z6Mk")
    verified = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True


def test_a_compromised_did_key_is_marked_not_replaced_and_its_later_signatures_fail(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    before = issue(client, tenant, cryptosuite="ecdsa-rdfc-2019")["credential"]
    keys = client.get(f"/api/v1/issuers/{tenant.issuer_id}/keys", headers=tenant.headers).json()
    p256 = keys["items"][1]
    marked = client.post(
        f"/api/v1/issuers/{tenant.issuer_id}/keys/key-2/compromise",
        json={"since": "2020-01-01T00:00:00Z", "reason": "backup leaked"},
        headers=tenant.headers,
    )
    assert marked.status_code == 200, marked.text
    assert marked.json()["status"] == "compromised"
    after = client.get(f"/api/v1/issuers/{tenant.issuer_id}/keys", headers=tenant.headers).json()
    assert len(after["items"]) == 2  # no replacement: a new key would be a new identifier
    refused = client.post(
        "/api/v1/credentials",
        json={
            "achievement_id": str(tenant.achievement_id),
            "learner": {"email": "bo@example.org"},
            "cryptosuite": "ecdsa-rdfc-2019",
        },
        headers=tenant.headers,
    )
    assert refused.status_code == 409
    assert "P-256" in refused.json()["detail"]
    body = client.post("/api/v1/verify", json={"credential": before}).json()
    assert before["proof"][0]["verificationMethod"].endswith(p256["public_key_multibase"])
    assert body["verified"] is False  # signed after the compromise began
    binding = next(check for check in body["checks"] if check["id"] == "key_binding")
    assert binding["outcome"] == "failed"
    assert "compromised from 2020-01-01" in binding["detail"]
    assert issue(client, tenant)["credential"]["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
