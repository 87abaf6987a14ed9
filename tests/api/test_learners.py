"""Learners over the API: create, validation, uniqueness per issuer, search, pagination, access."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from credex.db.models import Learner
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import auth, count, make_tenant
from tests.conftest import make_token

URL = "/api/v1/learners"


def test_create_normalises_the_email_and_reads_back(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    body = {
        "email": "  Ana.Silva@Example.ORG ",
        "name": "Ana Silva",
        "did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "external_id": "S-1001",
    }
    response = client.post(URL, json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["email"] == "ana.silva@example.org"
    assert created["issuer_id"] == str(tenant.issuer_id)
    assert created["did"] == body["did"]
    read = client.get(f"{URL}/{created['id']}", headers=tenant.headers)
    assert read.status_code == 200
    assert read.json() == created


def test_invalid_fields_are_422_naming_the_field_and_write_nothing(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    for body, pointer in (
        ({"email": "not-an-email"}, "/email"),
        ({"email": "a@b"}, "/email"),
        ({"email": "two words@example.org"}, "/email"),
        ({"email": "ana@example.org", "did": "https://not-a-did.example"}, "/did"),
        ({"email": "ana@example.org", "nickname": "x"}, "/nickname"),
        ({}, "/email"),
    ):
        response = client.post(URL, json=body, headers=tenant.headers)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        assert pointer in [error.get("pointer") for error in response.json()["errors"]], body
    assert count(database, Learner) == 0


def test_email_is_unique_per_issuer_not_globally(
    client: TestClient, database: Database, settings: Settings
) -> None:
    first, second = make_tenant(database, settings, "A"), make_tenant(database, settings, "B")
    assert (
        client.post(URL, json={"email": "ana@example.org"}, headers=first.headers).status_code
        == 201
    )
    duplicate = client.post(URL, json={"email": "ANA@example.org"}, headers=first.headers)
    assert duplicate.status_code == 409
    assert duplicate.json()["learner_id"]
    assert (
        client.post(URL, json={"email": "ana@example.org"}, headers=second.headers).status_code
        == 201
    )
    assert count(database, Learner) == 2


def test_search_and_pagination(client: TestClient, database: Database, settings: Settings) -> None:
    tenant = make_tenant(database, settings)
    for index, name in enumerate(["Ana Silva", "Bruno Costa", "Carla Silva", "Dario 100%"]):
        body = {"email": f"learner{index}@example.org", "name": name}
        assert client.post(URL, json=body, headers=tenant.headers).status_code == 201
    silva = client.get(URL, params={"q": "silva"}, headers=tenant.headers).json()
    assert sorted(item["name"] for item in silva["items"]) == ["Ana Silva", "Carla Silva"]
    by_email = client.get(URL, params={"q": "LEARNER1@"}, headers=tenant.headers).json()
    assert [item["name"] for item in by_email["items"]] == ["Bruno Costa"]
    percent = client.get(URL, params={"q": "0%"}, headers=tenant.headers).json()
    assert [item["name"] for item in percent["items"]] == ["Dario 100%"]  # % is not a wildcard
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get(URL, params=params, headers=tenant.headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 4


def test_other_issuers_learners_are_invisible(
    client: TestClient, database: Database, settings: Settings
) -> None:
    owner, other = (
        make_tenant(database, settings, "Owner"),
        make_tenant(database, settings, "Other"),
    )
    created = client.post(URL, json={"email": "ana@example.org"}, headers=owner.headers).json()
    assert client.get(f"{URL}/{created['id']}", headers=other.headers).status_code == 404
    assert client.get(URL, headers=other.headers).json()["items"] == []
    assert client.get(URL, params={"q": "ana"}, headers=other.headers).json()["items"] == []
    foreign = client.get(URL, params={"issuer_id": str(owner.issuer_id)}, headers=other.headers)
    assert foreign.json()["items"] == []
    pushed = {"email": "bo@example.org", "issuer_id": str(owner.issuer_id)}
    assert client.post(URL, json=pushed, headers=other.headers).status_code == 403
    assert client.get(f"{URL}/{uuid.uuid4()}", headers=owner.headers).status_code == 404


def test_admins_name_the_issuer_and_learner_tokens_are_refused(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    tenant = make_tenant(database, settings)
    missing = client.post(URL, json={"email": "ana@example.org"}, headers=admin_headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["pointer"] == "/issuer_id"
    unknown = {"email": "ana@example.org", "issuer_id": str(uuid.uuid4())}
    assert client.post(URL, json=unknown, headers=admin_headers).status_code == 404
    body = {"email": "ana@example.org", "issuer_id": str(tenant.issuer_id)}
    created = client.post(URL, json=body, headers=admin_headers)
    assert created.status_code == 201
    assert client.get(f"{URL}/{created.json()['id']}", headers=tenant.headers).status_code == 200
    learner = auth(make_token(database, role="learner", name="l", learner_email="ana@example.org"))
    assert client.get(URL, headers=learner).status_code == 403
    assert client.post(URL, json={"email": "x@example.org"}, headers=learner).status_code == 403
    assert client.get(URL).status_code == 401
