"""Credentials issued by this service: verified from the database (DID document, status list),
by value or by their public URL, and shown on their public page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, issue, make_tenant
from tests.api.test_verify import outcomes

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


def test_an_issued_credential_verifies_with_status_from_the_database(
    client: TestClient, tenant: Tenant
) -> None:
    issued = issue(client, tenant)
    body = client.post("/api/v1/verify", json={"credential": issued["credential"]}).json()
    assert body["verified"] is True, body
    assert outcomes(body)["status"] == "passed"
    assert outcomes(body)["issuer"] == "passed"
    summary = body["credential"]
    assert summary["achievement"]["name"] == "Digital storytelling for cultural heritage"
    assert summary["eqf_level"] == 4
    assert summary["ects"] == "2"
    assert summary["workload"] == "50 hours"
    assert summary["status"]["state"] == "active"
    assert summary["issuer"]["trust"]["status"] == "this-service"
    email = client.post(
        "/api/v1/verify", json={"credential": issued["credential"], "email": "ana@example.org"}
    ).json()
    assert outcomes(email)["recipient"] == "passed"


def test_a_revoked_credential_fails_the_status_check(client: TestClient, tenant: Tenant) -> None:
    issued = issue(client, tenant)
    revoked = client.post(
        f"/api/v1/credentials/{issued['id']}/revoke",
        json={"reason": "issued by mistake"},
        headers=tenant.headers,
    )
    assert revoked.status_code == 200, revoked.text
    body = client.post("/api/v1/verify", json={"credential": issued["credential"]}).json()
    assert body["verified"] is False
    assert outcomes(body)["status"] == "failed"
    assert body["credential"]["status"]["state"] == "revoked"


def test_an_issued_vc_jwt_verifies(client: TestClient, tenant: Tenant) -> None:
    issued = issue(client, tenant, format="jwt")
    body = client.post("/api/v1/verify", json={"jwt": issued["jwt"]}).json()
    assert body["verified"] is True, body
    assert outcomes(body)["status"] == "passed"


def test_a_public_credential_verifies_by_its_address_without_http(
    client: TestClient, tenant: Tenant, settings: Settings
) -> None:
    public = issue(client, tenant, public=True)
    url = f"{settings.base_url}/credentials/{public['id']}"
    body = client.post("/api/v1/verify", json={"url": url}).json()
    assert body["verified"] is True, body
    private = issue(client, tenant, email="bo@example.org")
    hidden = client.post(
        "/api/v1/verify", json={"url": f"{settings.base_url}/credentials/{private['id']}"}
    ).json()
    assert hidden["verified"] is False
    assert "no public credential" in hidden["checks"][0]["detail"]


def test_the_public_page_shows_the_live_result_a_qr_code_and_sharing_tags(
    client: TestClient, tenant: Tenant, settings: Settings
) -> None:
    public = issue(client, tenant, public=True)
    page_url = f"{settings.base_url}/credentials/{public['id']}"
    response = client.get(f"/credentials/{public['id']}", headers=HTML)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>Digital storytelling for cultural heritage</h1>" in html
    assert "Verified</h3>" in html
    assert "Registered with this service" in html
    assert "Level 4" in html
    assert f'<meta property="og:url" content="{page_url}">' in html
    assert '<meta property="og:title" content="Digital storytelling for cultural heritage">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert re.search(r'<svg role="img" aria-label="QR code linking to [^"]+" viewBox', html)
    assert f'download="credential-{public["id"]}.json"' in html
    assert "data:application/json;base64," in html
    machine = client.get(f"/credentials/{public['id']}", headers={"Accept": "application/json"})
    assert machine.json() == public["credential"]


def test_the_public_page_of_a_revoked_credential_says_so(
    client: TestClient, tenant: Tenant
) -> None:
    public = issue(client, tenant, public=True)
    client.post(
        f"/api/v1/credentials/{public['id']}/revoke", json={"reason": "x"}, headers=tenant.headers
    )
    html = client.get(f"/credentials/{public['id']}", headers=HTML).text
    assert "Not verified</h3>" in html
    assert "Status: Revoked</h2>" in html


def test_a_forgery_naming_a_known_issuer_gets_no_trust_badge(
    client: TestClient, tenant: Tenant
) -> None:
    issued = issue(client, tenant)
    forged = issued["credential"] | {"name": "Forged"}
    html = client.post("/verify", data={"document": json.dumps(forged)}).text
    assert "Not verified</h2>" in html
    assert "Registered with this service" not in html
    assert "Not proven by a valid signature" in html


def test_page_data_of_a_jwt_credential(client: TestClient, tenant: Tenant) -> None:
    public: dict[str, Any] = issue(client, tenant, public=True, format="jwt")
    html = client.get(f"/credentials/{public['id']}", headers=HTML).text
    assert "Verified</h3>" in html
    assert f'download="credential-{public["id"]}.jwt"' in html


def test_a_malformed_own_credential_address_is_not_a_crash(
    client: TestClient, settings: Settings
) -> None:
    url = f"{settings.base_url}/credentials/{'-' * 36}"
    body = client.post("/api/v1/verify", json={"url": url}).json()
    assert body["verified"] is False
    assert "no public credential" in body["checks"][0]["detail"]
