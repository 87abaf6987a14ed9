"""Tenant isolation: issuer A never reads or changes issuer B's achievements; roles are enforced."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.db.models import Achievement
from credex.db.session import Database
from tests.api.test_achievements import Setup, auth, complete_body, count_achievements
from tests.conftest import make_token

ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/achievements/{id}", None),
    ("PATCH", "/api/v1/achievements/{id}", {"eqf_level": 5}),
    ("POST", "/api/v1/achievements/{id}/publish", None),
    ("POST", "/api/v1/achievements/{id}/retire", None),
    ("POST", "/api/v1/achievements/{id}/versions", None),
    ("GET", "/api/v1/achievements/{id}/compliance", None),
]


@pytest.fixture
def two_issuers(client: TestClient, database: Database) -> tuple[Setup, Setup, dict[str, Any]]:
    mine, theirs = Setup(database), Setup(database)
    return mine, theirs, theirs.create(client)


def snapshot(database: Database, achievement_id: str) -> tuple[Any, ...]:
    with database.session() as session:
        row = session.get(Achievement, uuid.UUID(achievement_id))
        assert row is not None
        return (row.status, row.eqf_level, row.updated_at, row.published_at)


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_another_issuers_achievement_is_404(
    client: TestClient,
    database: Database,
    two_issuers: tuple[Setup, Setup, dict[str, Any]],
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    mine, theirs, their_achievement = two_issuers
    before = snapshot(database, their_achievement["id"])
    count = count_achievements(database)
    url = path.format(id=their_achievement["id"])
    response = client.request(method, url, json=body, headers=mine.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    unknown = client.request(method, path.format(id=uuid.uuid4()), json=body, headers=mine.headers)
    assert unknown.json()["title"] == response.json()["title"]  # indistinguishable
    assert snapshot(database, their_achievement["id"]) == before
    assert count_achievements(database) == count
    # the owner still can
    owner_url = f"/api/v1/achievements/{their_achievement['id']}"
    assert client.get(owner_url, headers=theirs.headers).status_code == 200


def test_lists_show_only_own_achievements(
    client: TestClient, database: Database, two_issuers: tuple[Setup, Setup, dict[str, Any]]
) -> None:
    mine, theirs, their_achievement = two_issuers
    own = mine.create(client)
    listed = client.get("/api/v1/achievements", headers=mine.headers).json()
    assert [item["id"] for item in listed["items"]] == [own["id"]]
    spying = client.get(
        f"/api/v1/achievements?issuer_id={theirs.issuer_id}", headers=mine.headers
    ).json()
    assert spying["items"] == []
    theirs_listed = client.get("/api/v1/achievements", headers=theirs.headers).json()
    assert [item["id"] for item in theirs_listed["items"]] == [their_achievement["id"]]


def test_cannot_create_for_another_issuer(
    client: TestClient, database: Database, two_issuers: tuple[Setup, Setup, dict[str, Any]]
) -> None:
    mine, theirs, _ = two_issuers
    count = count_achievements(database)
    body = complete_body(mine.competency) | {"issuer_id": str(theirs.issuer_id)}
    response = client.post("/api/v1/achievements", json=body, headers=mine.headers)
    assert response.status_code == 403
    assert count_achievements(database) == count


def test_cannot_stack_into_another_issuers_achievement(
    client: TestClient, database: Database, two_issuers: tuple[Setup, Setup, dict[str, Any]]
) -> None:
    mine, _, their_achievement = two_issuers
    count = count_achievements(database)
    details = []
    for target in (their_achievement["id"], str(uuid.uuid4())):
        body = complete_body(mine.competency, stackability="stackable", stacks_into=[target])
        response = client.post("/api/v1/achievements", json=body, headers=mine.headers)
        assert response.status_code == 422
        details.append(response.json()["errors"][0]["detail"].split(" of this issuer")[0][:15])
    assert details[0] == details[1]  # same wording: existence is not revealed
    assert count_achievements(database) == count


ALL_ROUTES = [*ROUTES, ("GET", "/api/v1/achievements", None), ("POST", "/api/v1/achievements", {})]


@pytest.mark.parametrize(("method", "path", "body"), ALL_ROUTES)
def test_learners_are_403_and_anonymous_401(
    client: TestClient,
    database: Database,
    two_issuers: tuple[Setup, Setup, dict[str, Any]],
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    _, _, achievement = two_issuers
    learner = auth(make_token(database, role="learner", name="l", learner_email="l@example.org"))
    url = path.format(id=achievement["id"])
    assert client.request(method, url, json=body, headers=learner).status_code == 403
    assert client.request(method, url, json=body).status_code == 401
