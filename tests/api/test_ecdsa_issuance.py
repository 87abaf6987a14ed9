"""Issuing with ecdsa-rdfc-2019 and the issuer's P-256 key, through the issuance API and the
VC-API `options.cryptosuite`; the credentials verify, tampered copies do not."""

from __future__ import annotations

import copy
import uuid

from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import issue, issue_body, make_tenant
from tests.api.test_verify import outcomes


def _verify(client: TestClient, credential: dict[str, object]) -> dict[str, object]:
    body: dict[str, object] = client.post("/api/v1/verify", json={"credential": credential}).json()
    return body


def test_an_ecdsa_rdfc_2019_credential_is_signed_by_the_p256_key_and_verifies(
    client: TestClient, database: Database, settings: Settings
) -> None:
    for method in ("did:web", "did:key"):
        tenant = make_tenant(database, settings, name=f"ECDSA {method}", did_method=method)
        credential = issue(client, tenant, cryptosuite="ecdsa-rdfc-2019")["credential"]
        (proof,) = credential["proof"]
        assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "ecdsa-rdfc-2019")
        issuer = credential["issuer"]["id"]
        if method == "did:web":
            assert proof["verificationMethod"] == f"{issuer}#key-2"
        else:  # the P-256 key is its own did:key, and the issuer of what it signs
            assert issuer.startswith("did:key:zDn")
            assert proof["verificationMethod"] == f"{issuer}#{issuer.removeprefix('did:key:')}"
        body = _verify(client, credential)
        assert body["verified"] is True, body
        assert outcomes(body)["proof"] == "passed"
        assert outcomes(body)["status"] == "passed"
        tampered = copy.deepcopy(credential)
        tampered["credentialSubject"]["achievement"]["name"] = "Something else"
        assert _verify(client, tampered)["verified"] is False


def test_the_default_stays_eddsa_and_jwt_takes_no_cryptosuite(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    default = issue(client, tenant)["credential"]
    assert default["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    for extra in ({"format": "jwt", "cryptosuite": "ecdsa-rdfc-2019"}, {"cryptosuite": "rsa"}):
        response = client.post(
            "/api/v1/credentials", json=issue_body(tenant, **extra), headers=tenant.headers
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"


def test_the_vc_api_issues_ecdsa_rdfc_2019_when_asked(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": f"urn:uuid:{uuid.uuid4()}", "name": "Ana"},
    }
    issued = client.post(
        "/credentials/issue",
        json={"credential": credential, "options": {"cryptosuite": "ecdsa-rdfc-2019"}},
        headers=tenant.headers,
    )
    assert issued.status_code == 201, issued.text
    signed = issued.json()["verifiableCredential"]
    assert signed["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    verified = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert verified.json()["verified"] is True, verified.text
    signed["credentialSubject"]["name"] = "Bo"
    tampered = client.post("/credentials/verify", json={"verifiableCredential": signed})
    assert tampered.json()["verified"] is False
    unknown = client.post(
        "/credentials/issue",
        json={"credential": credential, "options": {"cryptosuite": "bbs-2023"}},
        headers=tenant.headers,
    )
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["pointer"] == "/options/cryptosuite"


def test_a_batch_refuses_an_ecdsa_cryptosuite_instead_of_ignoring_it(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    items = [
        {"learner": {"email": "ok@example.org"}},
        {"learner": {"email": "ec@example.org"}, "cryptosuite": "ecdsa-rdfc-2019"},
    ]
    body = {"items": items, "achievement_id": str(tenant.achievement_id)}
    response = client.post("/api/v1/credentials/batch", json=body, headers=tenant.headers)
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert (error["row"], error["field"]) == (2, "cryptosuite")
    assert "eddsa-rdfc-2022 only" in error["detail"]
