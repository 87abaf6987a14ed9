"""Issuing: every refusal is a precise problem, and nothing is half-written afterwards."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from credex.core.errors import CoreError
from credex.db.models import AuditEntry, Credential, IssuerKey, Learner, StatusList
from credex.db.session import Database
from credex.issuance import service
from credex.settings import Settings
from tests.api.test_issuance_support import (
    Tenant,
    auth,
    count,
    issue,
    issue_body,
    make_achievement,
    make_tenant,
)
from tests.conftest import make_token

URL = "/api/v1/credentials"
TABLES = (Credential, Learner, StatusList, AuditEntry)


def _snapshot(database: Database) -> dict[str, int]:
    return {model.__name__: count(database, model) for model in TABLES}


def _post(client: TestClient, tenant: Tenant, body: dict[str, Any]) -> Any:
    return client.post(URL, json=body, headers=tenant.headers)


@pytest.mark.parametrize(
    ("overrides", "pointer"),
    [
        ({"learner": {"email": "not an email"}}, "/learner/email"),
        ({"learner": {"email": "ana@example.org", "did": "ana"}}, "/learner/did"),
        ({"learner": None}, "/learner"),
        ({"learner_id": str(uuid.uuid4())}, "/learner"),  # both given
        ({"format": "pdf"}, "/format"),
        ({"valid_from": "2025-01-01T00:00:00"}, "/valid_from"),  # no timezone
        (
            {"activity_start": "2025-03-01T00:00:00Z", "activity_end": "2025-02-01T00:00:00Z"},
            "/activity_end",
        ),
        ({"evidence": [{}]}, "/evidence/0"),
        ({"evidence": [{"id": "ftp://files.example/x"}]}, "/evidence/0/id"),
        ({"result": {"value": "Excellent"}}, "/result/value"),
        ({"result": {}}, "/result"),
        ({"result": {"status": "Done"}}, "/result/status"),
        (
            {"result": {"result_description": "http://elsewhere.example#r", "value": "Pass"}},
            "/result/result_description",
        ),
        ({"unexpected": True}, "/unexpected"),
        ({"achievement_id": "not-a-uuid"}, "/achievement_id"),
    ],
)
def test_invalid_requests_are_422_naming_the_field(
    client: TestClient,
    database: Database,
    settings: Settings,
    overrides: dict[str, Any],
    pointer: str,
) -> None:
    tenant = make_tenant(database, settings)
    before = _snapshot(database)
    response = _post(client, tenant, issue_body(tenant, "new@example.org", **overrides))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    pointers = [error.get("pointer") for error in response.json()["errors"]]
    assert pointer in pointers, pointers
    assert _snapshot(database) == before


def test_scores_are_checked_against_the_result_description(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    score = f"http://testserver/achievements/{tenant.achievement_id}#result-2"
    for value in ("101", "-1", "lots"):
        body = issue_body(tenant, result={"result_description": score, "value": value})
        response = _post(client, tenant, body)
        assert response.status_code == 422, value
        assert response.json()["errors"][0]["pointer"] == "/result/value"
    status_only = make_achievement(
        database,
        tenant.issuer_id,
        result_descriptions=[{"name": "Outcome", "result_type": "Status", "allowed_values": []}],
    )
    body = issue_body(tenant, achievement_id=str(status_only), result={"value": "done"})
    response = _post(client, tenant, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/result/status"
    assert count(database, Credential) == 0


def test_achievement_must_be_the_issuers_and_published(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant, other = (
        make_tenant(database, settings, "Mine"),
        make_tenant(database, settings, "Other"),
    )
    draft = make_achievement(database, tenant.issuer_id, status="draft")
    retired = make_achievement(database, tenant.issuer_id, status="retired")
    cases = [
        (str(uuid.uuid4()), 404),
        (str(other.achievement_id), 404),
        (str(draft), 409),
        (str(retired), 409),
    ]
    for achievement_id, status in cases:
        response = _post(client, tenant, issue_body(tenant, achievement_id=achievement_id))
        assert response.status_code == status, achievement_id
        assert response.headers["content-type"] == "application/problem+json"
    assert (
        "published"
        in _post(client, tenant, issue_body(tenant, achievement_id=str(draft))).json()["detail"]
    )
    assert _snapshot(database) == dict.fromkeys(_snapshot(database), 0)


def test_unknown_or_foreign_learner_ids_are_404(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant, other = (
        make_tenant(database, settings, "Mine"),
        make_tenant(database, settings, "Other"),
    )
    foreign = client.post(
        "/api/v1/learners", json={"email": "x@example.org"}, headers=other.headers
    )
    for learner_id in (str(uuid.uuid4()), foreign.json()["id"]):
        body = issue_body(tenant, learner=None, learner_id=learner_id)
        assert _post(client, tenant, body).status_code == 404
    assert count(database, Credential) == 0


def test_a_contradicting_did_is_refused(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
    issue(client, tenant, learner={"email": "ana@example.org", "did": did})
    before = _snapshot(database)
    other_did = {"email": "ana@example.org", "did": "did:web:ana.example"}
    response = _post(client, tenant, issue_body(tenant, learner=other_did))
    assert response.status_code == 409
    assert response.json()["errors"][0]["pointer"] == "/learner/did"
    assert _snapshot(database) == before


def test_a_failure_after_writing_rolls_everything_back(
    client: TestClient, database: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The learner and the first status list are written before signing; a signing failure
    must take them with it."""
    tenant = make_tenant(database, settings)

    def failing_sign(*args: Any, **kwargs: Any) -> Any:
        raise CoreError("simulated failure", code="MALFORMED_VALUE_ERROR")

    monkeypatch.setattr(service, "sign_credential", failing_sign)
    response = _post(client, tenant, issue_body(tenant, "fresh@example.org"))
    assert response.status_code == 422
    assert "simulated failure" in response.json()["detail"]
    assert _snapshot(database) == dict.fromkeys(_snapshot(database), 0)


def test_without_an_active_key_issuance_is_409(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    with database.unit_of_work() as session:
        session.execute(
            update(IssuerKey)
            .where(IssuerKey.issuer_id == tenant.issuer_id)
            .values(status="retired")
        )
    response = _post(client, tenant, issue_body(tenant))
    assert response.status_code == 409
    assert "signing key" in response.json()["detail"]
    assert _snapshot(database) == dict.fromkeys(_snapshot(database), 0)


def test_who_may_issue(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    tenant, other = (
        make_tenant(database, settings, "Mine"),
        make_tenant(database, settings, "Other"),
    )
    body = issue_body(tenant)
    assert client.post(URL, json=body).status_code == 401
    learner = auth(make_token(database, role="learner", name="l", learner_email="ana@example.org"))
    assert client.post(URL, json=body, headers=learner).status_code == 403
    pushed = issue_body(tenant, issuer_id=str(tenant.issuer_id))
    assert client.post(URL, json=pushed, headers=other.headers).status_code == 403
    missing = client.post(URL, json=body, headers=admin_headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["pointer"] == "/issuer_id"
    mismatched = issue_body(tenant, issuer_id=str(other.issuer_id))
    assert client.post(URL, json=mismatched, headers=admin_headers).status_code == 404
    assert count(database, Credential) == 0
    as_admin = client.post(URL, json=pushed, headers=admin_headers)
    assert as_admin.status_code == 201
    assert as_admin.json()["credential"]["issuer"]["id"].endswith(str(tenant.issuer_id))


def test_a_request_without_a_token_is_401_before_its_body_is_judged(client: TestClient) -> None:
    response = client.post("/api/v1/credentials", json={"nonsense": True})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
