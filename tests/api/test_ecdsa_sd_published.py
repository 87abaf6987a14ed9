"""A public or shared ecdsa-sd-2023 credential reads the same to everyone: its address, share
links and page present the mandatory disclosure (a derived credential) instead of the base proof
that verifiers must refuse, so the page, the JSON and any conformant verifier all say "verified"
and the holder's HMAC key never leaves credex."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from credex.core.ecdsa_sd.proof_values import is_base_proof_value
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_employer_pages import page
from tests.api.test_issuance_support import issue, make_tenant
from tests.api.test_wallet_support import ANA, learner_headers

JSON = {"Accept": "application/vc+ld+json"}


def _issue_sd(client: TestClient, database: Database, settings: Settings) -> dict[str, Any]:
    tenant = make_tenant(database, settings)
    return issue(
        client,
        tenant,
        email=ANA,
        public=True,
        cryptosuite="ecdsa-sd-2023",
        narrative="Built a podcast.",
    )


def _proof_value(document: dict[str, Any]) -> str:
    proof = document["proof"]
    proofs = proof if isinstance(proof, list) else [proof]
    assert len(proofs) == 1
    value: str = proofs[0]["proofValue"]
    return value


def _assert_mandatory_disclosure(published: dict[str, Any], issued: dict[str, Any]) -> None:
    assert published["id"] == issued["credential"]["id"]
    assert published["issuer"] == issued["credential"]["issuer"]
    assert published["credentialStatus"] == issued["credential"]["credentialStatus"]
    subject = published["credentialSubject"]
    assert subject["achievement"] == issued["credential"]["credentialSubject"]["achievement"]
    assert "narrative" not in subject  # the learner's own facts stay theirs to disclose
    assert not is_base_proof_value(_proof_value(published))


def test_the_public_address_and_page_present_a_credential_that_verifies(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issued = _issue_sd(client, database, settings)
    base = issued["credential"]
    assert is_base_proof_value(_proof_value(base))
    refused = client.post("/api/v1/verify", json={"credential": base}).json()
    assert refused["verified"] is False  # a base proof is for the holder only

    response = client.get(f"/credentials/{issued['id']}", headers=JSON)
    assert response.status_code == 200, response.text
    published = response.json()
    _assert_mandatory_disclosure(published, issued)
    report = client.post("/api/v1/verify", json={"credential": published}).json()
    assert (report["verified"], report["standing"]["words"]) == (True, "Valid")
    # The same every time: a verifier that fetches the address twice gets the same bytes.
    assert client.get(f"/credentials/{issued['id']}", headers=JSON).content == response.content

    html = page(client, f"/credentials/{issued['id']}")
    assert 'data-standing="active">Valid</p>' in html
    assert "Built a podcast." not in html


def test_a_share_link_presents_the_same_verifiable_disclosure(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issued = _issue_sd(client, database, settings)
    ana = learner_headers(database)
    link = client.post(
        f"/api/v1/wallet/credentials/{issued['id']}/share-links", json={}, headers=ana
    ).json()
    path = urlsplit(link["url"]).path
    shared = client.get(path, headers=JSON)
    assert shared.status_code == 200, shared.text
    _assert_mandatory_disclosure(shared.json(), issued)
    report = client.post("/api/v1/verify", json={"credential": shared.json()}).json()
    assert report["verified"] is True, report
    assert 'data-standing="active">Valid</p>' in page(client, path)


def test_the_learner_still_holds_the_base_credential(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issued = _issue_sd(client, database, settings)
    item = client.get(
        f"/api/v1/wallet/credentials/{issued['id']}", headers=learner_headers(database)
    ).json()
    assert item["status"] == "active"
    fields = client.get(
        f"/api/v1/wallet/credentials/{issued['id']}/fields", headers=learner_headers(database)
    ).json()["items"]
    assert any(field["pointer"] == "/credentialSubject/narrative" for field in fields)
