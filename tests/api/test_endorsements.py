"""Endorsements: an endorser signs an EndorsementCredential, credentials issued afterwards for
the achievement embed it, verification checks it and says who endorsed what; withdrawn through
the endorser's status list, verification says so."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, auth, issue, make_tenant
from tests.api.test_verify import outcomes

COMMENT = "Graduates of this course meet our entry requirements for junior curators."


def make_endorser(client: TestClient, admin_headers: dict[str, str]) -> tuple[str, dict[str, str]]:
    created = client.post(
        "/api/v1/endorsers",
        json={"name": "Museums Sector Council", "country": "FR", "url": "https://council.example"},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    endorser = created.json()
    assert endorser["did"].startswith("did:web:")
    token = client.post(
        f"/api/v1/endorsers/{endorser['id']}/tokens", json={}, headers=admin_headers
    )
    assert token.status_code == 201, token.text
    assert token.json()["role"] == "endorser"
    return endorser["id"], auth(token.json()["token"])


def endorse(client: TestClient, headers: dict[str, str], tenant: Tenant) -> dict[str, Any]:
    response = client.post(
        "/api/v1/endorsements",
        json={"achievement_id": str(tenant.achievement_id), "comment": COMMENT},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def verify(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = client.post("/api/v1/verify", json={"credential": credential}).json()
    return report


def test_an_endorsement_is_signed_published_embedded_and_verified(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    before = issue(client, tenant)
    _endorser_id, headers = make_endorser(client, admin_headers)
    endorsement = endorse(client, headers, tenant)
    signed = endorsement["credential"]
    assert "EndorsementCredential" in signed["type"]
    assert signed["credentialSubject"]["endorsementComment"] == COMMENT
    assert signed["credentialSubject"]["id"].endswith(f"/achievements/{tenant.achievement_id}")
    public = client.get(endorsement["url"].replace("http://testserver", ""))
    assert public.status_code == 200
    assert public.json() == signed
    alone = verify(client, signed)
    assert alone["verified"] is True, alone
    assert "endorsement" not in before["credential"], "only credentials issued afterwards"
    after = issue(client, tenant, email="ben@example.org")
    assert after["credential"]["endorsement"] == [signed | {"proof": [signed["proof"]]}]
    report = verify(client, after["credential"])
    assert report["verified"] is True, [c for c in report["checks"] if c["outcome"] != "passed"]
    assert outcomes(report)["endorsements"] == "passed"
    said = report["endorsements"][0]["endorsement"]
    assert said["endorser"] == "Museums Sector Council"
    assert said["state"] == "active"
    assert said["comment"] == COMMENT
    assert said["endorsed"].endswith(f"/achievements/{tenant.achievement_id}")
    page = client.post("/verify", data={"document": json.dumps(after["credential"])}).text
    assert "Endorsed by Museums Sector Council" in page
    assert COMMENT in page


def test_a_withdrawn_endorsement_is_reported_withdrawn(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    _endorser_id, headers = make_endorser(client, admin_headers)
    endorsement = endorse(client, headers, tenant)
    issued = issue(client, tenant)
    assert (
        client.post(
            f"/api/v1/endorsements/{endorsement['id']}/withdraw", headers=tenant.headers
        ).status_code
        == 403
    )
    withdrawn = client.post(f"/api/v1/endorsements/{endorsement['id']}/withdraw", headers=headers)
    assert withdrawn.status_code == 200, withdrawn.text
    again = client.post(f"/api/v1/endorsements/{endorsement['id']}/withdraw", headers=headers)
    assert again.status_code == 409
    report = verify(client, issued["credential"])
    assert report["verified"] is True, "the credential itself stays valid"
    assert outcomes(report)["endorsements"] == "failed"
    said = report["endorsements"][0]["endorsement"]
    assert said["state"] == "withdrawn"
    assert "withdrawn" in said["words"]
    later = issue(client, tenant, email="ben@example.org")
    assert "endorsement" not in later["credential"]


def test_only_endorser_tokens_endorse_and_targets_must_exist(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    _endorser_id, headers = make_endorser(client, admin_headers)
    body = {"achievement_id": str(tenant.achievement_id), "comment": "Good"}
    assert client.post("/api/v1/endorsements", json=body, headers=tenant.headers).status_code == 403
    both = body | {"issuer_id": str(tenant.issuer_id)}
    assert client.post("/api/v1/endorsements", json=both, headers=headers).status_code == 422
    missing = {"issuer_id": "00000000-0000-4000-8000-000000000000", "comment": "x"}
    assert client.post("/api/v1/endorsements", json=missing, headers=headers).status_code == 404
    of_issuer = client.post(
        "/api/v1/endorsements",
        json={"issuer_id": str(tenant.issuer_id), "comment": "A reliable provider"},
        headers=headers,
    )
    assert of_issuer.status_code == 201, of_issuer.text
    # an endorser token cannot issue
    issued = client.post(
        "/api/v1/credentials",
        json={"achievement_id": str(tenant.achievement_id), "learner": {"email": "a@b.example"}},
        headers=headers,
    )
    assert issued.status_code == 403
