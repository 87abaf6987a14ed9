""" "Share only these fields": a learner derives a smaller ecdsa-sd-2023 credential from the
API and from the wallet page; it verifies, the mandatory fields are always in it, and other
people's credentials stay 404."""

from __future__ import annotations

from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import issue, make_tenant
from tests.api.test_wallet_support import ANA, BOB, learner_headers
from tests.api.test_wallet_web import csrf_of, signed_in

NARRATIVE = "disclose:/credentialSubject/narrative"


def _issue_sd(client: TestClient, database: Database, settings: Settings) -> dict[str, object]:
    tenant = make_tenant(database, settings)
    return issue(
        client, tenant, email=ANA, cryptosuite="ecdsa-sd-2023", narrative="Built a podcast."
    )


def test_the_learner_api_lists_fields_and_derives_a_credential_that_verifies(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issued = _issue_sd(client, database, settings)
    ana = learner_headers(database)
    base = f"/api/v1/wallet/credentials/{issued['id']}"
    fields = client.get(f"{base}/fields", headers=ana).json()["items"]
    by_pointer = {field["pointer"]: field for field in fields}
    assert by_pointer["/credentialSubject/narrative"]["always_disclosed"] is False
    assert by_pointer["/credentialSubject/identifier"]["always_disclosed"] is True
    assert by_pointer["/issuer"]["always_disclosed"] is True

    response = client.post(f"{base}/derive", json={"fields": []}, headers=ana)
    assert response.status_code == 200, response.text
    derived = response.json()["credential"]
    assert "narrative" not in derived["credentialSubject"]
    assert derived["credentialSubject"]["achievement"]["name"]
    verified = client.post("/api/v1/verify", json={"credential": derived}).json()
    assert verified["verified"] is True, verified

    chosen = client.post(
        f"{base}/derive", json={"fields": ["/credentialSubject/narrative"]}, headers=ana
    ).json()["credential"]
    assert chosen["credentialSubject"]["narrative"] == "Built a podcast."
    assert client.post("/api/v1/verify", json={"credential": chosen}).json()["verified"] is True

    refused = client.post(f"{base}/derive", json={"fields": ["/issuer", "/nope"]}, headers=ana)
    assert refused.status_code == 422
    assert [e["pointer"] for e in refused.json()["errors"]] == ["/fields/0", "/fields/1"]
    bob = learner_headers(database, BOB)
    assert client.post(f"{base}/derive", json={"fields": []}, headers=bob).status_code == 404
    assert client.get(f"{base}/fields", headers=bob).status_code == 404


def test_a_credential_without_a_base_proof_is_shared_whole(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, email=ANA)
    ana = learner_headers(database)
    base = f"/api/v1/wallet/credentials/{issued['id']}"
    assert client.get(f"{base}/fields", headers=ana).json()["items"] == []
    refused = client.post(f"{base}/derive", json={"fields": []}, headers=ana)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert "shared whole" in refused.json()["detail"]


def test_the_wallet_page_form_downloads_the_smaller_credential(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issued = _issue_sd(client, database, settings)
    signed_in(client, database)
    page = client.get(f"/wallet/credentials/{issued['id']}")
    assert "Share only these fields" in page.text
    assert 'name="disclose:/credentialSubject/narrative"' in page.text
    assert "always included by the issuer" in page.text
    csrf = csrf_of(page.text)
    download = client.post(
        f"/wallet/credentials/{issued['id']}/derive",
        data={"csrf_token": csrf, NARRATIVE: "on"},
    )
    assert download.status_code == 200, download.text
    assert "attachment" in download.headers["content-disposition"]
    derived = download.json()
    assert derived["credentialSubject"]["narrative"] == "Built a podcast."
    assert client.post("/api/v1/verify", json={"credential": derived}).json()["verified"] is True

    bad = client.post(
        f"/wallet/credentials/{issued['id']}/derive",
        data={
            "csrf_token": csrf,
            "disclose:/credentialSubject/narrative": "on",
            "disclose:/x": "on",
        },
    )
    assert bad.status_code == 422
    assert "There is a problem" in bad.text
    assert 'name="disclose:/credentialSubject/narrative" checked' in bad.text  # choice kept
    forged = client.post(
        f"/wallet/credentials/{issued['id']}/derive", data={"csrf_token": "0" * 32}
    )
    assert forged.status_code in (400, 403)
