"""The audit log: who issued, revoked or re-published what, when and why."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.auth.tokens import hash_token
from credex.db.models import ApiToken
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import auth, issue, issue_body, make_tenant
from tests.conftest import make_token

URL = "/api/v1/audit"


def _token_id(database: Database, headers: dict[str, str]) -> str:
    token = headers["Authorization"].removeprefix("Bearer ")
    with database.unit_of_work() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
        assert row is not None
        return str(row.id)


def test_issue_revoke_and_visibility_are_logged_with_who_and_why(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings, "Lab")
    issued = issue(client, tenant)
    credential_id = issued["id"]
    client.post(
        f"/api/v1/credentials/{credential_id}/visibility",
        json={"public": True},
        headers=tenant.headers,
    )
    client.post(
        f"/api/v1/credentials/{credential_id}/revoke",
        json={"reason": "Plagiarism"},
        headers=tenant.headers,
    )
    entries = client.get(
        URL, params={"credential_id": credential_id}, headers=tenant.headers
    ).json()["items"]
    assert [entry["action"] for entry in entries] == [
        "credential.revoked",
        "credential.visibility_changed",
        "credential.issued",
    ]
    token_id = _token_id(database, tenant.headers)
    for entry in entries:
        assert entry["actor"] == {"role": "issuer", "token_id": token_id, "name": "Lab token"}
        assert entry["credential_id"] == credential_id
        assert entry["issuer_id"] == str(tenant.issuer_id)
        assert entry["created_at"]
    revoked, visibility, issued_entry = entries
    assert revoked["reason"] == "Plagiarism"
    assert visibility["details"] == {"public": True}
    assert issued_entry["details"]["achievement_id"] == str(tenant.achievement_id)
    assert issued_entry["details"]["format"] == "ldp"


def test_issuers_read_their_own_log_and_admins_everyones(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    first, second = make_tenant(database, settings, "A"), make_tenant(database, settings, "B")
    first_id = issue(client, first)["id"]
    body = issue_body(second, issuer_id=str(second.issuer_id))
    second_id = client.post("/api/v1/credentials", json=body, headers=admin_headers).json()["id"]
    credentials_only = {"action": "credential"}
    mine = client.get(URL, params=credentials_only, headers=first.headers).json()["items"]
    assert [entry["credential_id"] for entry in mine] == [first_id]
    assert (
        client.get(URL, params={"issuer_id": str(second.issuer_id)}, headers=first.headers).json()[
            "items"
        ]
        == []
    )
    assert (
        client.get(URL, params={"credential_id": second_id}, headers=first.headers).status_code
        == 404
    )
    everyone = client.get(URL, params=credentials_only, headers=admin_headers).json()["items"]
    assert {entry["credential_id"] for entry in everyone} == {first_id, second_id}
    by_admin = client.get(URL, params={"credential_id": second_id}, headers=admin_headers).json()
    assert by_admin["items"][0]["actor"]["role"] == "admin"
    assert (
        client.get(
            URL, params={"credential_id": str(uuid.uuid4())}, headers=admin_headers
        ).status_code
        == 404
    )
    learner = auth(make_token(database, role="learner", name="l", learner_email="ana@example.org"))
    assert client.get(URL, headers=learner).status_code == 403
    assert client.get(URL).status_code == 401
