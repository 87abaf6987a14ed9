"""Bearer tokens: 401 without or with a bad token, 403 for the wrong role, 404 across tenants."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from credex.db.models import ApiToken
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import make_issuer
from tests.conftest import make_token


def test_missing_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_and_malformed_tokens_are_401(client: TestClient) -> None:
    for header in ("Bearer cx_not-a-real-token", "Basic abc", "Bearer "):
        assert client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401


def test_token_is_stored_hashed_and_records_last_use(
    client: TestClient, database: Database, admin_token: str
) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {admin_token}"})
    assert response.status_code == 200
    assert response.json()["role"] == "admin"
    with database.session() as session:
        rows = session.scalars(select(ApiToken)).all()
    assert all(admin_token not in (row.token_hash, row.prefix) for row in rows)
    used = [row for row in rows if row.id == uuid.UUID(response.json()["token_id"])]
    assert used[0].last_used_at is not None


def test_revoked_token_is_401(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    victim = make_token(database, role="learner", name="l", learner_email="a@example.org")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {victim}"}).json()
    revoked = client.post(f"/api/v1/tokens/{me['token_id']}/revoke", headers=admin_headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {victim}"}).status_code == 401
    )


def test_wrong_role_is_403(client: TestClient, database: Database) -> None:
    learner = make_token(database, role="learner", name="l", learner_email="a@example.org")
    response = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {learner}"})
    assert response.status_code == 403


def test_other_peoples_tokens_are_invisible_404(
    client: TestClient, database: Database, settings: Settings
) -> None:
    one = make_token(database, role="issuer", name="a", issuer_id=make_issuer(database, settings))
    two = make_token(database, role="issuer", name="b", issuer_id=make_issuer(database, settings))
    two_id = client.get("/api/v1/me", headers={"Authorization": f"Bearer {two}"}).json()["token_id"]
    response = client.post(
        f"/api/v1/tokens/{two_id}/revoke", headers={"Authorization": f"Bearer {one}"}
    )
    assert response.status_code == 404
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {two}"}).status_code == 200


def test_an_issuer_token_must_name_an_existing_issuer(database: Database) -> None:
    """The API and the CLI check first; the foreign key keeps any other writer honest."""
    with pytest.raises(IntegrityError):
        make_token(database, role="issuer", name="orphan", issuer_id=uuid.uuid4())
    with database.unit_of_work(read_only=True) as session:
        assert session.scalars(select(ApiToken).where(ApiToken.name == "orphan")).first() is None


def test_token_list_paginates(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    for n in range(5):
        make_token(database, role="admin", name=f"bulk {n}")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/tokens", params=params, headers=admin_headers).json()
        seen += [item["id"] for item in page["items"]]
        assert len(page["items"]) <= 2
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) >= 6
    assert client.get("/api/v1/tokens?cursor=garbage", headers=admin_headers).status_code == 422
