"""Competencies over the API: fields, codes, hierarchy, cycles, cascade delete, search."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.db.models import Competency
from credex.db.session import Database
from tests.api.test_frameworks import (
    API,
    ESCO,
    ESCO_A,
    ESCO_B,
    add_competency,
    count,
    make_framework,
)


@pytest.fixture
def framework_id(client: TestClient, admin_headers: dict[str, str]) -> str:
    return str(make_framework(client, admin_headers, title={"en": "F", "it": "F"})["id"])


def test_create_read_and_list_competencies(
    client: TestClient, admin_headers: dict[str, str], framework_id: str
) -> None:
    root = add_competency(
        client,
        admin_headers,
        framework_id,
        "CC.1",
        title={"en": "Storytelling", "it": "Narrazione"},
        description={"en": "Tell stories across media"},
        esco_uri=ESCO_A,
        eqf_level=5,
        skill_type="skill/competence",
    )
    child = add_competency(
        client,
        admin_headers,
        framework_id,
        "CC.1.1",
        parent=root["id"],
        skill_uri="https://example.org/skills/podcasting",
    )
    assert root["parent"] is None
    assert child["parent"] == root["id"]
    assert (root["esco_uri"], root["eqf_level"], root["framework_id"]) == (ESCO_A, 5, framework_id)
    assert child["position"] == root["position"] + 1
    path = f"{API}/{framework_id}/competencies"
    assert client.get(f"{path}/{root['id']}", headers=admin_headers).json() == root
    listed = client.get(path, headers=admin_headers).json()
    assert {i["code"] for i in listed["items"]} == {"CC.1", "CC.1.1"}
    by_title = client.get(path, params={"q": "narrazione"}, headers=admin_headers).json()["items"]
    assert [i["code"] for i in by_title] == ["CC.1"]
    by_code = client.get(path, params={"q": "cc.1.1"}, headers=admin_headers).json()["items"]
    assert [i["code"] for i in by_code] == ["CC.1.1"]
    first = client.get(path, params={"limit": 1}, headers=admin_headers).json()
    second = client.get(
        path, params={"limit": 1, "cursor": first["next"]}, headers=admin_headers
    ).json()
    assert len(first["items"]) == len(second["items"]) == 1
    assert second["next"] is None


@pytest.mark.parametrize(
    ("field", "value", "pointer", "words"),
    [
        (
            "esco_uri",
            "https://data.europa.eu/esco/skill/0a3b4f8e-5d2c-4a63-9c55-0f3d2b7a1e11",
            "/esco_uri",
            "http, not https",
        ),
        ("esco_uri", ESCO + "not-a-uuid", "/esco_uri", "UUID"),
        ("esco_uri", "https://example.org/skill", "/esco_uri", "use skill_uri"),
        ("skill_uri", "skills/relative", "/skill_uri", "absolute IRI"),
        ("skill_uri", ESCO_A, "/skill_uri", "put it in esco_uri"),
        ("eqf_level", 9, "/eqf_level", "less than or equal to 8"),
        ("eqf_level", 0, "/eqf_level", "greater than or equal to 1"),
        ("code", "A 1", "/code", "without spaces"),
        ("title", {"en": "ok", "x_y": "bad"}, "/title", "BCP 47"),
        ("title", {"en": "  "}, "/title", "non-empty"),
        ("title", {"it": "solo italiano"}, "/title", "'en'"),
        ("description", {"it": "solo"}, "/description", "'en'"),
        ("parent", "00000000-0000-4000-8000-000000000000", "/parent", "no competency"),
    ],
)
def test_invalid_competency_fields_are_422(
    client: TestClient,
    admin_headers: dict[str, str],
    database: Database,
    framework_id: str,
    field: str,
    value: Any,
    pointer: str,
    words: str,
) -> None:
    body = {"code": "A", "title": {"en": "A"}} | {field: value}
    response = client.post(f"{API}/{framework_id}/competencies", json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    errors = {e["pointer"]: e["detail"] for e in response.json()["errors"]}
    assert words in errors[pointer]
    assert count(database, Competency) == 0


def test_esco_and_skill_uri_together_are_refused(
    client: TestClient, admin_headers: dict[str, str], framework_id: str
) -> None:
    body = {"code": "A", "title": {"en": "A"}, "esco_uri": ESCO_A, "skill_uri": "urn:x:y"}
    response = client.post(f"{API}/{framework_id}/competencies", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/skill_uri"


def test_codes_are_unique_within_a_framework_only(
    client: TestClient, admin_headers: dict[str, str], database: Database, framework_id: str
) -> None:
    add_competency(client, admin_headers, framework_id, "A")
    duplicate = client.post(
        f"{API}/{framework_id}/competencies",
        json={"code": "A", "title": {"en": "again"}},
        headers=admin_headers,
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"][0]["pointer"] == "/code"
    other = make_framework(client, admin_headers)
    add_competency(client, admin_headers, other["id"], "A")
    assert count(database, Competency) == 2


def test_parent_must_be_in_the_same_framework(
    client: TestClient, admin_headers: dict[str, str], framework_id: str
) -> None:
    other = make_framework(client, admin_headers)
    foreign = add_competency(client, admin_headers, other["id"], "X")
    response = client.post(
        f"{API}/{framework_id}/competencies",
        json={"code": "A", "title": {"en": "A"}, "parent": foreign["id"]},
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/parent"
    mine = add_competency(client, admin_headers, framework_id, "A")
    moved = client.patch(
        f"{API}/{framework_id}/competencies/{mine['id']}",
        json={"parent": foreign["id"]},
        headers=admin_headers,
    )
    assert moved.status_code == 422


def test_patch_refuses_cycles(
    client: TestClient, admin_headers: dict[str, str], framework_id: str
) -> None:
    a = add_competency(client, admin_headers, framework_id, "A")
    b = add_competency(client, admin_headers, framework_id, "B", parent=a["id"])
    c = add_competency(client, admin_headers, framework_id, "C", parent=b["id"])
    path = f"{API}/{framework_id}/competencies"
    for target, parent in ((a, c), (a, a), (b, c)):
        response = client.patch(
            f"{path}/{target['id']}", json={"parent": parent["id"]}, headers=admin_headers
        )
        assert response.status_code == 422, (target["code"], parent["code"])
        assert "own ancestor" in response.json()["errors"][0]["detail"]
    assert client.get(f"{path}/{a['id']}", headers=admin_headers).json()["parent"] is None
    to_root = client.patch(f"{path}/{c['id']}", json={"parent": None}, headers=admin_headers)
    assert to_root.status_code == 200
    assert to_root.json()["parent"] is None


def test_patch_updates_clears_and_refuses_nulls(
    client: TestClient, admin_headers: dict[str, str], framework_id: str
) -> None:
    a = add_competency(client, admin_headers, framework_id, "A", eqf_level=3, esco_uri=ESCO_A)
    add_competency(client, admin_headers, framework_id, "B")
    path = f"{API}/{framework_id}/competencies/{a['id']}"
    changed = client.patch(
        path, json={"eqf_level": None, "esco_uri": ESCO_B, "code": "A2"}, headers=admin_headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["eqf_level"], changed.json()["esco_uri"]) == (None, ESCO_B)
    assert client.patch(path, json={"code": None}, headers=admin_headers).status_code == 422
    assert client.patch(path, json={"code": "B"}, headers=admin_headers).status_code == 409
    both = client.patch(path, json={"skill_uri": "urn:isbn:123"}, headers=admin_headers)
    assert both.status_code == 422
    swapped = client.patch(
        path, json={"skill_uri": "urn:isbn:123", "esco_uri": None}, headers=admin_headers
    )
    assert swapped.status_code == 200
    assert swapped.json()["skill_uri"] == "urn:isbn:123"


def test_delete_with_children_needs_cascade(
    client: TestClient, admin_headers: dict[str, str], database: Database, framework_id: str
) -> None:
    a = add_competency(client, admin_headers, framework_id, "A")
    b = add_competency(client, admin_headers, framework_id, "B", parent=a["id"])
    add_competency(client, admin_headers, framework_id, "C", parent=b["id"])
    keep = add_competency(client, admin_headers, framework_id, "D")
    path = f"{API}/{framework_id}/competencies"
    refused = client.delete(f"{path}/{a['id']}", headers=admin_headers)
    assert refused.status_code == 409
    assert refused.json()["children"] == 2
    assert count(database, Competency) == 4
    assert client.delete(f"{path}/{a['id']}?cascade=true", headers=admin_headers).status_code == 204
    assert [i["code"] for i in client.get(path, headers=admin_headers).json()["items"]] == ["D"]
    assert client.delete(f"{path}/{keep['id']}", headers=admin_headers).status_code == 204
    assert client.delete(f"{path}/{keep['id']}", headers=admin_headers).status_code == 404


def test_competency_is_only_reachable_through_its_own_framework(
    client: TestClient, admin_headers: dict[str, str], database: Database, framework_id: str
) -> None:
    other = make_framework(client, admin_headers)
    foreign = add_competency(client, admin_headers, other["id"], "X")
    wrong = f"{API}/{framework_id}/competencies/{foreign['id']}"
    assert client.get(wrong, headers=admin_headers).status_code == 404
    assert client.patch(wrong, json={"eqf_level": 2}, headers=admin_headers).status_code == 404
    assert client.delete(wrong, headers=admin_headers).status_code == 404
    right = f"{API}/{other['id']}/competencies/{foreign['id']}"
    assert client.get(right, headers=admin_headers).json()["eqf_level"] is None
    assert count(database, Competency) == 1
