"""Tenant isolation: issuer B can never read or change issuer A's credentials (always 404)."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from credex.db.models import AuditEntry, Credential
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import auth, count, issue, make_tenant
from tests.conftest import make_token

URL = "/api/v1/credentials"


def test_every_credential_route_hides_other_issuers_credentials(
    client: TestClient, database: Database, settings: Settings
) -> None:
    owner, intruder = make_tenant(database, settings, "Owner"), make_tenant(database, settings, "B")
    issued = issue(client, owner)
    credential_id = issued["id"]
    learner_id = client.get(f"{URL}/{credential_id}", headers=owner.headers).json()["learner_id"]
    audit_before = count(database, AuditEntry)
    attempts = [
        ("GET", f"{URL}/{credential_id}", None),
        ("POST", f"{URL}/{credential_id}/revoke", {"reason": "not yours"}),
        ("POST", f"{URL}/{credential_id}/visibility", {"public": True}),
        ("POST", f"{URL}/{credential_id}/suspend", {"reason": "x"}),
        ("POST", f"{URL}/{credential_id}/reinstate", {"reason": "x"}),
        ("GET", f"/api/v1/audit?credential_id={credential_id}", None),
        ("GET", f"/api/v1/learners/{learner_id}", None),
    ]
    for method, url, body in attempts:
        response = client.request(method, url, json=body, headers=intruder.headers)
        assert response.status_code == 404, (method, url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    listed = [
        client.get(URL, params=params, headers=intruder.headers).json()["items"]
        for params in (
            {},
            {"learner_id": learner_id},
            {"issuer_id": str(owner.issuer_id)},
            {"achievement_id": str(owner.achievement_id)},
        )
    ]
    assert listed == [[], [], [], []]
    assert client.get("/api/v1/audit", headers=intruder.headers).json()["items"] == []
    with database.unit_of_work() as session:
        row = session.get(Credential, uuid.UUID(credential_id))
        assert row is not None
        assert (row.status, row.public) == ("active", False)
    assert count(database, AuditEntry) == audit_before
    assert client.get(f"/credentials/{credential_id}").status_code == 404


def test_learner_tokens_and_anonymous_callers_are_refused(
    client: TestClient, database: Database, settings: Settings
) -> None:
    owner = make_tenant(database, settings)
    credential_id = issue(client, owner)["id"]
    learner = auth(make_token(database, role="learner", name="l", learner_email="ana@example.org"))
    routes = [
        ("GET", URL, None),
        ("GET", f"{URL}/{credential_id}", None),
        ("POST", f"{URL}/{credential_id}/revoke", {"reason": "x"}),
        ("POST", f"{URL}/{credential_id}/visibility", {"public": True}),
        ("GET", "/api/v1/audit", None),
    ]
    for method, url, body in routes:
        assert client.request(method, url, json=body, headers=learner).status_code == 403, url
        assert client.request(method, url, json=body).status_code == 401, url


def test_admins_see_every_issuer(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    first, second = make_tenant(database, settings, "A"), make_tenant(database, settings, "B")
    ids = {issue(client, first)["id"], issue(client, second)["id"]}
    listed = client.get(URL, headers=admin_headers).json()["items"]
    assert {item["id"] for item in listed} == ids
    only_first = client.get(URL, params={"issuer_id": str(first.issuer_id)}, headers=admin_headers)
    assert [item["issuer_id"] for item in only_first.json()["items"]] == [str(first.issuer_id)]
    for credential_id in ids:
        assert client.get(f"{URL}/{credential_id}", headers=admin_headers).status_code == 200
