"""Frameworks over the API: create, read, search, edit while draft, lifecycle and versions.

The helpers at the top are shared by the other `test_frameworks_*` modules.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select

from credex.db.models import Competency, Framework
from credex.db.session import Database
from credex.errors import Conflict
from credex.frameworks import competencies, service
from credex.frameworks.schemas import CompetencyCreate, FrameworkCreate, NewVersionCreate

API = "/api/v1/frameworks"
ESCO = "http://data.europa.eu/esco/skill/"
ESCO_A = ESCO + "0a3b4f8e-5d2c-4a63-9c55-0f3d2b7a1e11"
ESCO_B = ESCO + "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"


def make_framework(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"title": {"en": "Digital skills for creatives"}, "default_language": "en"} | fields
    response = client.post(API, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def add_competency(
    client: TestClient, headers: dict[str, str], framework_id: str, code: str, **fields: Any
) -> dict[str, Any]:
    body = {"code": code, "title": {"en": f"Competency {code}"}} | fields
    response = client.post(f"{API}/{framework_id}/competencies", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def published_framework(
    client: TestClient, headers: dict[str, str], **fields: Any
) -> dict[str, Any]:
    framework = make_framework(client, headers, **fields)
    root = add_competency(client, headers, framework["id"], "A", esco_uri=ESCO_A, eqf_level=5)
    add_competency(client, headers, framework["id"], "A.1", parent=root["id"], eqf_level=4)
    response = client.post(f"{API}/{framework['id']}/publish", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def count(database: Database, model: type[Any]) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_create_and_read_a_framework(client: TestClient, admin_headers: dict[str, str]) -> None:
    created = make_framework(
        client,
        admin_headers,
        title={"en": "Media literacy", "PT-br": "Literacia mediática"},
        description={"en": "What creatives need"},
        version="2.0",
        publisher="CREDEX consortium",
        source_url="https://example.org/frameworks/media",
        license="CC-BY-4.0",
    )
    assert created["status"] == "draft"
    assert created["title"] == {"en": "Media literacy", "pt-BR": "Literacia mediática"}
    assert created["published_at"] is None
    assert created["previous_version_id"] is None
    fetched = client.get(f"{API}/{created['id']}", headers=admin_headers)
    assert fetched.status_code == 200
    assert fetched.json() == created


def test_bad_fields_are_422_naming_each_field(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    before = count(database, Framework)
    response = client.post(
        API,
        json={
            "title": {"english": "x"},
            "default_language": "e n",
            "source_url": "ftp://example.org",
            "version": "",
        },
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    pointers = {e["pointer"]: e["detail"] for e in response.json()["errors"]}
    assert "'english' is not a BCP 47 language tag" in pointers["/title"]
    assert {"/default_language", "/source_url", "/version"} <= pointers.keys()
    assert count(database, Framework) == before


def test_title_must_be_in_the_default_language(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post(
        API,
        json={"title": {"fr": "Titre"}, "description": {"de": "x"}, "default_language": "en"},
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/title", "/description"}


def test_list_searches_titles_in_any_language_and_publisher(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    make_framework(
        client, admin_headers, title={"en": "Sound design", "it": "Progettazione sonora"}
    )
    make_framework(client, admin_headers, title={"en": "Other"}, publisher="Materahub 100%")
    for q, expected in (
        ("PROGETTAZIONE", "Sound design"),
        ("sound", "Sound design"),
        ("materahub", "Other"),
        ("100%", "Other"),
    ):
        items = client.get(API, params={"q": q}, headers=admin_headers).json()["items"]
        assert [i["title"]["en"] for i in items] == [expected], q
    assert client.get(API, params={"q": "_"}, headers=admin_headers).json()["items"] == []


def test_list_filters_by_status_and_paginates(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    published = published_framework(client, admin_headers)
    for n in range(3):
        make_framework(client, admin_headers, version=f"0.{n}")
    items = client.get(API, params={"status": "published"}, headers=admin_headers).json()["items"]
    assert [i["id"] for i in items] == [published["id"]]
    assert client.get(API, params={"status": "gone"}, headers=admin_headers).status_code == 422
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(API, params=params, headers=admin_headers).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 4


def test_patch_changes_only_given_fields(client: TestClient, admin_headers: dict[str, str]) -> None:
    framework = make_framework(client, admin_headers, publisher="Old", license="MIT")
    response = client.patch(
        f"{API}/{framework['id']}",
        json={"publisher": "New", "license": None, "title": {"en": "Renamed", "fr": "Renommé"}},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["publisher"], body["license"], body["version"]) == ("New", None, "1.0")
    assert body["title"] == {"en": "Renamed", "fr": "Renommé"}
    found = client.get(API, params={"q": "renommé"}, headers=admin_headers).json()["items"]
    assert [f["id"] for f in found] == [framework["id"]]
    refused = client.patch(f"{API}/{framework['id']}", json={"title": None}, headers=admin_headers)
    assert refused.status_code == 422
    unknown = client.patch(
        f"{API}/{framework['id']}", json={"colour": "red"}, headers=admin_headers
    )
    assert unknown.status_code == 422


def test_changing_default_language_needs_titles_in_it(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    framework = make_framework(client, admin_headers, title={"en": "T", "fr": "T"})
    add_competency(client, admin_headers, framework["id"], "A", title={"en": "only English"})
    response = client.patch(
        f"{API}/{framework['id']}", json={"default_language": "fr"}, headers=admin_headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/default_language"
    assert "A" in response.json()["errors"][0]["detail"]
    fetched = client.get(f"{API}/{framework['id']}", headers=admin_headers).json()
    assert fetched["default_language"] == "en"


def test_publish_needs_a_competency(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    framework = make_framework(client, admin_headers)
    response = client.post(f"{API}/{framework['id']}/publish", headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/competencies"
    with database.session() as session:
        row = session.get(Framework, uuid.UUID(framework["id"]))
        assert row is not None
        assert row.status == "draft"


def test_lifecycle_is_one_way_and_published_is_immutable(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    framework = published_framework(client, admin_headers)
    fid = framework["id"]
    assert framework["status"] == "published"
    assert framework["published_at"]
    competency_id = client.get(f"{API}/{fid}/competencies", headers=admin_headers).json()["items"][
        0
    ]["id"]
    for method, path, body in (
        ("PATCH", f"{API}/{fid}", {"publisher": "x"}),
        ("DELETE", f"{API}/{fid}", None),
        ("POST", f"{API}/{fid}/publish", None),
        ("POST", f"{API}/{fid}/competencies", {"code": "B", "title": {"en": "B"}}),
        ("PATCH", f"{API}/{fid}/competencies/{competency_id}", {"eqf_level": 2}),
        ("DELETE", f"{API}/{fid}/competencies/{competency_id}?cascade=true", None),
    ):
        response = client.request(method, path, json=body, headers=admin_headers)
        assert response.status_code == 409, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    retired = client.post(f"{API}/{fid}/retire", headers=admin_headers)
    assert retired.status_code == 200
    assert retired.json()["retired_at"]
    assert client.post(f"{API}/{fid}/retire", headers=admin_headers).status_code == 409
    assert client.post(f"{API}/{fid}/publish", headers=admin_headers).status_code == 409
    assert client.delete(f"{API}/{fid}", headers=admin_headers).status_code == 409
    assert count(database, Competency) == 2


def test_retiring_a_draft_is_409(client: TestClient, admin_headers: dict[str, str]) -> None:
    framework = make_framework(client, admin_headers)
    assert client.post(f"{API}/{framework['id']}/retire", headers=admin_headers).status_code == 409


def test_delete_draft_removes_its_competencies(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    framework = make_framework(client, admin_headers)
    parent = add_competency(client, admin_headers, framework["id"], "A")
    add_competency(client, admin_headers, framework["id"], "A.1", parent=parent["id"])
    assert client.delete(f"{API}/{framework['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"{API}/{framework['id']}", headers=admin_headers).status_code == 404
    assert count(database, Competency) == 0


def test_new_version_copies_competencies_and_hierarchy(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    old = published_framework(client, admin_headers, version="1.9")
    response = client.post(f"{API}/{old['id']}/versions", headers=admin_headers)
    assert response.status_code == 201, response.text
    new = response.json()
    assert (new["status"], new["version"], new["previous_version_id"]) == (
        "draft",
        "1.10",
        old["id"],
    )
    old_items = client.get(f"{API}/{old['id']}/competencies", headers=admin_headers).json()["items"]
    new_items = client.get(f"{API}/{new['id']}/competencies", headers=admin_headers).json()["items"]

    def shape(items: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
        code_of = {i["id"]: i["code"] for i in items}
        return {
            (i["code"], code_of.get(i["parent"]), i["esco_uri"], i["eqf_level"], i["position"])
            for i in items
        }

    assert shape(new_items) == shape(old_items)
    assert not {i["id"] for i in new_items} & {i["id"] for i in old_items}
    again = client.post(f"{API}/{old['id']}/versions", headers=admin_headers)
    assert again.status_code == 409
    assert client.post(f"{API}/{new['id']}/versions", headers=admin_headers).status_code == 409


def test_new_version_label_can_be_given_but_must_differ(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    old = published_framework(client, admin_headers, version="2024")
    same = client.post(
        f"{API}/{old['id']}/versions", json={"version": "2024"}, headers=admin_headers
    )
    assert same.status_code == 422
    assert same.json()["errors"][0]["pointer"] == "/version"
    given = client.post(
        f"{API}/{old['id']}/versions", json={"version": "2025-beta"}, headers=admin_headers
    )
    assert given.status_code == 201
    assert given.json()["version"] == "2025-beta"


def test_retired_frameworks_can_still_be_versioned(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    old = published_framework(client, admin_headers)
    client.post(f"{API}/{old['id']}/retire", headers=admin_headers)
    response = client.post(f"{API}/{old['id']}/versions", headers=admin_headers)
    assert response.status_code == 201
    assert response.json()["version"] == "1.1"


def test_unknown_framework_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    for method, path in (
        ("GET", f"{API}/{missing}"),
        ("PATCH", f"{API}/{missing}"),
        ("DELETE", f"{API}/{missing}"),
        ("POST", f"{API}/{missing}/publish"),
        ("POST", f"{API}/{missing}/retire"),
        ("POST", f"{API}/{missing}/versions"),
        ("GET", f"{API}/{missing}/export"),
        ("GET", f"{API}/{missing}/competencies"),
    ):
        body = {} if method == "PATCH" else None
        response = client.request(method, path, json=body, headers=admin_headers)
        assert response.status_code == 404, (method, path)
    assert client.get(f"{API}/not-a-uuid", headers=admin_headers).status_code == 422


@pytest.mark.postgres_only
def test_concurrent_new_versions_make_one_draft(engine: Engine) -> None:
    """Two "new version" requests at once: the row lock lets one in; the other gets a 409."""
    database = Database(engine)  # real commits, visible across connections
    with database.unit_of_work() as session:
        source = service.create_framework(
            session, FrameworkCreate(title={"en": "Race"}, default_language="en")
        )
        competencies.add_competency(
            session, source.id, CompetencyCreate(code="A", title={"en": "A"})
        )
        service.publish_framework(session, source.id)
        source_id = source.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start_version() -> None:
        barrier.wait()
        try:
            with database.unit_of_work() as session:
                service.start_new_version(session, source_id, NewVersionCreate())
                time.sleep(0.2)  # hold the lock while the other request waits
            outcomes.append("created")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=start_version) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["conflict", "created"]
    finally:
        with database.unit_of_work() as session:
            ids = select(Framework.id).where(
                (Framework.id == source_id) | (Framework.previous_version_id == source_id)
            )
            session.execute(delete(Competency).where(Competency.framework_id.in_(ids)))
            session.execute(delete(Framework).where(Framework.previous_version_id == source_id))
            session.execute(delete(Framework).where(Framework.id == source_id))
