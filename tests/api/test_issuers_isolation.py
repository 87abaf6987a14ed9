"""Tenant isolation: issuer A's token never reads or changes issuer B (404), every route."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.db.models import ApiToken, Issuer, IssuerKey
from credex.db.session import Database
from tests.api.test_issuers import auth, issuer_token, new_issuer
from tests.conftest import make_token

# (method, path template, json body); `{id}` is the target issuer.
ISSUER_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/v1/issuers/{id}", None),
    ("PATCH", "/api/v1/issuers/{id}", {"name": "Hijacked"}),
    ("GET", "/api/v1/issuers/{id}/tokens", None),
    ("POST", "/api/v1/issuers/{id}/tokens", {"name": "stolen"}),
    ("GET", "/api/v1/issuers/{id}/keys", None),
    ("POST", "/api/v1/issuers/{id}/keys/rotate", None),
    (
        "POST",
        "/api/v1/issuers/{id}/keys/key-1/compromise",
        {"since": "2020-01-01T00:00:00Z", "reason": "sabotage"},
    ),
]


def snapshot(database: Database, issuer_id: str) -> tuple[Any, ...]:
    """Everything a cross-tenant request could have changed about an issuer."""
    with database.session() as session:
        issuer = session.get(Issuer, uuid.UUID(issuer_id))
        assert issuer is not None
        keys = session.scalars(select(IssuerKey).where(IssuerKey.issuer_id == issuer.id)).all()
        tokens = session.scalars(select(ApiToken).where(ApiToken.issuer_id == issuer.id)).all()
        return (
            issuer.name,
            issuer.updated_at,
            [(k.number, k.status, k.compromised_since) for k in keys],
            sorted(str(t.id) for t in tokens),
        )


@pytest.fixture
def two_issuers(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    issuer_a = new_issuer(client, admin_headers, name="Provider A")
    issuer_b = new_issuer(client, admin_headers, name="Provider B")
    return issuer_a, auth(issuer_token(database, issuer_a["id"])), issuer_b


@pytest.mark.parametrize(("method", "template", "body"), ISSUER_ROUTES)
def test_other_issuers_objects_are_404_and_untouched(
    client: TestClient,
    database: Database,
    two_issuers: tuple[dict[str, Any], dict[str, str], dict[str, Any]],
    method: str,
    template: str,
    body: dict[str, Any] | None,
) -> None:
    _, headers_a, issuer_b = two_issuers
    before = snapshot(database, issuer_b["id"])
    response = client.request(
        method, template.format(id=issuer_b["id"]), json=body, headers=headers_a
    )
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "Provider B" not in response.text
    assert snapshot(database, issuer_b["id"]) == before


@pytest.mark.parametrize(("method", "template", "body"), ISSUER_ROUTES)
def test_missing_issuer_looks_the_same_as_a_foreign_one(
    client: TestClient,
    two_issuers: tuple[dict[str, Any], dict[str, str], dict[str, Any]],
    method: str,
    template: str,
    body: dict[str, Any] | None,
) -> None:
    _, headers_a, issuer_b = two_issuers
    foreign = client.request(
        method, template.format(id=issuer_b["id"]), json=body, headers=headers_a
    )
    missing = client.request(method, template.format(id=uuid.uuid4()), json=body, headers=headers_a)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["detail"] == missing.json()["detail"]


@pytest.mark.parametrize(("method", "template", "body"), ISSUER_ROUTES)
def test_own_issuer_routes_work_except_minting_tokens(
    client: TestClient,
    two_issuers: tuple[dict[str, Any], dict[str, str], dict[str, Any]],
    method: str,
    template: str,
    body: dict[str, Any] | None,
) -> None:
    issuer_a, headers_a, _ = two_issuers
    response = client.request(
        method, template.format(id=issuer_a["id"]), json=body, headers=headers_a
    )
    expected = 403 if (method, template) == ("POST", "/api/v1/issuers/{id}/tokens") else None
    if expected:
        assert response.status_code == expected
    else:
        assert response.is_success, response.text


def test_issuer_tokens_cannot_create_or_list_issuers(
    client: TestClient,
    two_issuers: tuple[dict[str, Any], dict[str, str], dict[str, Any]],
    database: Database,
) -> None:
    _, headers_a, _ = two_issuers
    with database.session() as session:
        before = len(session.scalars(select(Issuer)).all())
    created = client.post("/api/v1/issuers", json={"name": "Rogue"}, headers=headers_a)
    assert created.status_code == 403
    assert client.get("/api/v1/issuers", headers=headers_a).status_code == 403
    with database.session() as session:
        assert len(session.scalars(select(Issuer)).all()) == before


@pytest.mark.parametrize(("method", "template", "body"), ISSUER_ROUTES)
def test_learners_are_403_and_anonymous_callers_401(
    client: TestClient,
    two_issuers: tuple[dict[str, Any], dict[str, str], dict[str, Any]],
    database: Database,
    method: str,
    template: str,
    body: dict[str, Any] | None,
) -> None:
    issuer_a, _, _ = two_issuers
    learner = make_token(database, role="learner", name="l", learner_email="l@example.org")
    path = template.format(id=issuer_a["id"])
    assert client.request(method, path, json=body, headers=auth(learner)).status_code == 403
    assert client.request(method, path, json=body).status_code == 401
