"""`Idempotency-Key`: one key, one credential; the key is scoped per issuer."""

from __future__ import annotations

from fastapi.testclient import TestClient

from credex.db.models import AuditEntry, Credential, Learner
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import count, issue_body, make_tenant

URL = "/api/v1/credentials"


def test_same_key_same_body_returns_the_first_credential(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    headers = tenant.headers | {"Idempotency-Key": "order-42"}
    body = issue_body(tenant, format="ldp")
    first = client.post(URL, json=body, headers=headers)
    assert first.status_code == 201
    # Same request, fields in another order and the default spelled out: still the same body.
    reordered = {"format": "ldp", **dict(reversed(list(body.items())))}
    again = client.post(URL, json=reordered, headers=headers)
    assert again.status_code == 200
    assert again.content == first.content
    assert count(database, Credential) == 1
    assert count(database, AuditEntry) == 1


def test_same_key_other_body_is_409_and_writes_nothing(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    headers = tenant.headers | {"Idempotency-Key": "order-42"}
    first = client.post(URL, json=issue_body(tenant), headers=headers)
    assert first.status_code == 201
    other = client.post(URL, json=issue_body(tenant, "bo@example.org"), headers=headers)
    assert other.status_code == 409
    assert other.json()["credential_id"] == first.json()["id"]
    assert count(database, Credential) == 1
    assert count(database, Learner) == 1


def test_keys_are_scoped_per_issuer_and_optional(
    client: TestClient, database: Database, settings: Settings
) -> None:
    mine, theirs = (
        make_tenant(database, settings, "Mine"),
        make_tenant(database, settings, "Theirs"),
    )
    key = {"Idempotency-Key": "shared-key"}
    a = client.post(URL, json=issue_body(mine), headers=mine.headers | key)
    b = client.post(URL, json=issue_body(theirs), headers=theirs.headers | key)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    plain = [client.post(URL, json=issue_body(mine), headers=mine.headers) for _ in range(2)]
    assert [response.status_code for response in plain] == [201, 201]
    assert count(database, Credential) == 4


def test_malformed_keys_are_422(client: TestClient, database: Database, settings: Settings) -> None:
    tenant = make_tenant(database, settings)
    for key in (b"x" * 256, "caf\u00e9".encode("latin-1"), b"a\tb"):
        headers: dict[str, str | bytes] = {**tenant.headers, "Idempotency-Key": key}
        response = client.post(URL, json=issue_body(tenant), headers=headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["header"] == "Idempotency-Key"
    assert count(database, Credential) == 0
