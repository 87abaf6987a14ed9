"""ecdsa-sd-2023 through the APIs: issue a base proof (issuance API and VC-API), derive a
disclosed credential with `POST /credentials/derive`, verify it; tampering fails."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import issue, make_tenant
from tests.api.test_verify import outcomes


def derive(client: TestClient, credential: dict[str, Any], pointers: list[str]) -> Any:
    return client.post(
        "/credentials/derive",
        json={"verifiableCredential": credential, "options": {"selectivePointers": pointers}},
    )


def test_an_ob_credential_with_a_base_proof_derives_a_smaller_credential_that_verifies(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, cryptosuite="ecdsa-sd-2023", narrative="Built a podcast.")
    base = issued["credential"]
    assert base["proof"][0]["cryptosuite"] == "ecdsa-sd-2023"
    assert base["proof"][0]["proofValue"].startswith("u2V0A")
    whole = client.post("/api/v1/verify", json={"credential": base}).json()
    assert whole["verified"] is False  # verifiers check derived proofs only (VC-DI-ECDSA)
    proof_check = next(check for check in whole["checks"] if check["id"] == "proof")
    assert "derive a disclosed credential" in proof_check["detail"]

    response = derive(client, base, [])  # only what the issuer made mandatory
    assert response.status_code == 201, response.text
    minimal = response.json()["verifiableCredential"]
    subject = minimal["credentialSubject"]
    assert "narrative" in base["credentialSubject"]
    assert "narrative" not in subject
    # OB 3.0 needs a subject id or identifier: the salted e-mail hash is mandatory
    assert subject["identifier"] == base["credentialSubject"]["identifier"]
    assert subject["achievement"] == base["credentialSubject"]["achievement"]
    for kept in ("issuer", "validFrom", "credentialStatus", "credentialSchema"):
        assert minimal[kept] == base[kept]
    body = client.post("/api/v1/verify", json={"credential": minimal}).json()
    assert body["verified"] is True, body
    assert outcomes(body)["status"] == "passed"

    with_narrative = derive(client, base, ["/credentialSubject/narrative"]).json()
    identified = with_narrative["verifiableCredential"]
    assert identified["credentialSubject"]["narrative"] == "Built a podcast."
    vcapi = client.post("/credentials/verify", json={"verifiableCredential": identified})
    assert vcapi.json()["verified"] is True, vcapi.text

    tampered = copy.deepcopy(identified)
    tampered["credentialSubject"]["achievement"]["name"] = "Another badge"
    assert client.post("/api/v1/verify", json={"credential": tampered}).json()["verified"] is False


def test_the_vc_api_issues_base_proofs_with_mandatory_pointers_and_derives(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings, did_method="did:key")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": f"urn:uuid:{uuid.uuid4()}", "name": "Ana", "age": 30},
    }
    credential["@context"].append(
        {"name": "https://schema.org/name", "age": "https://schema.org/age"}
    )
    issued = client.post(
        "/credentials/issue",
        json={
            "credential": credential,
            "options": {"cryptosuite": "ecdsa-sd-2023", "mandatoryPointers": ["/issuer"]},
        },
        headers=tenant.headers,
    )
    assert issued.status_code == 201, issued.text
    base = issued.json()["verifiableCredential"]
    assert base["issuer"].startswith("did:key:zDn")
    derived = derive(client, base, ["/credentialSubject/name"]).json()["verifiableCredential"]
    assert derived["credentialSubject"] == {
        "id": credential["credentialSubject"]["id"],
        "name": "Ana",
    }
    verified = client.post("/credentials/verify", json={"verifiableCredential": derived})
    assert verified.json()["verified"] is True, verified.text


def test_derive_refusals_are_problems(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    eddsa = issue(client, tenant)["credential"]
    refused = derive(client, eddsa, [])
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "ecdsa-sd-2023" in refused.json()["detail"]
    base = issue(client, tenant, cryptosuite="ecdsa-sd-2023")["credential"]
    missing = derive(client, base, ["/credentialSubject/nickname"])
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["pointer"] == "/options/selectivePointers"
    for body in (
        {"verifiableCredential": "not a credential"},
        {"verifiableCredential": base, "options": {"selectivePointers": "/name"}},
    ):
        malformed = client.post("/credentials/derive", json=body)
        assert malformed.status_code == 400
        assert malformed.headers["content-type"] == "application/problem+json"
