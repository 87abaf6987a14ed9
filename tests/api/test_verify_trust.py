"""`/api/v1/trusted-issuers`: admins maintain it; nobody else can read or change it."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from credex.db.session import Database
from tests.api.test_issuers import auth, issuer_token, new_issuer
from tests.api.test_verify import trusted_count
from tests.conftest import make_token

URL = "/api/v1/trusted-issuers"
PARTNER = {"issuer": "did:web:partner.example", "name": "Partner Academy", "note": "MoU 2026"}


def test_admins_add_list_read_and_remove_entries(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    created = client.post(URL, json=PARTNER, headers=admin_headers)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert {k: entry[k] for k in PARTNER} == PARTNER
    second = client.post(
        URL,
        json={"issuer": "https://badges.example.org/issuer", "name": "Badges"},
        headers=admin_headers,
    ).json()
    listed = client.get(URL, params={"limit": 1}, headers=admin_headers).json()
    assert [item["id"] for item in listed["items"]] == [second["id"]]
    rest = client.get(URL, params={"cursor": listed["next"]}, headers=admin_headers).json()
    assert [item["id"] for item in rest["items"]] == [entry["id"]]
    assert client.get(f"{URL}/{entry['id']}", headers=admin_headers).json() == entry
    assert client.delete(f"{URL}/{entry['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"{URL}/{entry['id']}", headers=admin_headers).status_code == 404
    assert client.delete(f"{URL}/{entry['id']}", headers=admin_headers).status_code == 404
    assert trusted_count(database) == 1


def test_a_duplicate_is_a_conflict_and_changes_nothing(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    assert client.post(URL, json=PARTNER, headers=admin_headers).status_code == 201
    again = client.post(URL, json=PARTNER | {"name": "Other name"}, headers=admin_headers)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert trusted_count(database) == 1


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": "No issuer"}, "/issuer"),
        ({"issuer": "partner.example", "name": "Not a DID"}, "/issuer"),
        ({"issuer": "javascript:alert(1)", "name": "Script"}, "/issuer"),
        ({"issuer": "did:web:x.example", "name": ""}, "/name"),
        ({"issuer": "did:web:x.example", "name": "X", "colour": "red"}, "/colour"),
    ],
)
def test_invalid_entries_are_refused_field_by_field(
    client: TestClient,
    admin_headers: dict[str, str],
    database: Database,
    body: dict[str, str],
    pointer: str,
) -> None:
    response = client.post(URL, json=body, headers=admin_headers)
    assert response.status_code == 422
    assert pointer in [error.get("pointer") for error in response.json()["errors"]]
    assert trusted_count(database) == 0


def test_only_admins_may_use_the_list(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    entry = client.post(URL, json=PARTNER, headers=admin_headers).json()
    issuer = new_issuer(client, admin_headers)
    learner = make_token(database, role="learner", name="learner", learner_email="l@example.org")
    for headers in (auth(issuer_token(database, issuer["id"])), auth(learner)):
        assert client.get(URL, headers=headers).status_code == 403
        assert client.get(f"{URL}/{entry['id']}", headers=headers).status_code == 403
        assert (
            client.post(URL, json=PARTNER | {"issuer": "did:web:y"}, headers=headers).status_code
            == 403
        )
        assert client.delete(f"{URL}/{entry['id']}", headers=headers).status_code == 403
    assert client.get(URL).status_code == 401
    assert client.delete(f"{URL}/{entry['id']}").status_code == 401
    assert client.get(f"{URL}/{uuid.uuid4()}", headers=admin_headers).status_code == 404
    assert trusted_count(database) == 1
