"""Tenant isolation for jobs: issuer A never reads or cancels issuer B's job; roles are enforced."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from credex.db.models import Job
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, count, make_tenant
from tests.conftest import make_token

ROUTES = [("GET", "/api/v1/jobs/{id}"), ("POST", "/api/v1/jobs/{id}/cancel")]


@pytest.fixture
def two_tenants(database: Database, settings: Settings) -> tuple[Tenant, Tenant]:
    return make_tenant(database, settings, "Mine"), make_tenant(database, settings, "Theirs")


def their_job(client: TestClient, theirs: Tenant) -> str:
    body = {"items": [{"learner": {"email": "a@example.org"}}]}
    body["achievement_id"] = str(theirs.achievement_id)  # type: ignore[assignment]
    response = client.post("/api/v1/credentials/batch", json=body, headers=theirs.headers)
    assert response.status_code == 202
    job_id: str = response.json()["job_id"]
    return job_id


def snapshot(database: Database, job_id: str) -> tuple[object, ...]:
    with database.session() as session:
        job = session.get(Job, uuid.UUID(job_id))
        assert job is not None
        return (job.state, job.cancel_requested, job.updated_at)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_another_issuers_job_is_404(
    client: TestClient,
    database: Database,
    two_tenants: tuple[Tenant, Tenant],
    method: str,
    path: str,
) -> None:
    mine, theirs = two_tenants
    job_id = their_job(client, theirs)
    before = snapshot(database, job_id)
    response = client.request(method, path.format(id=job_id), headers=mine.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    unknown = client.request(method, path.format(id=uuid.uuid4()), headers=mine.headers)
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == response.json()["detail"]  # indistinguishable
    assert snapshot(database, job_id) == before
    assert client.get(f"/api/v1/jobs/{job_id}", headers=theirs.headers).status_code == 200


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_roles(
    client: TestClient,
    database: Database,
    two_tenants: tuple[Tenant, Tenant],
    admin_headers: dict[str, str],
    method: str,
    path: str,
) -> None:
    _, theirs = two_tenants
    job_id = their_job(client, theirs)
    url = path.format(id=job_id)
    assert client.request(method, url).status_code == 401
    learner = make_token(database, role="learner", name="l", learner_email="l@example.org")
    response = client.request(method, url, headers={"Authorization": f"Bearer {learner}"})
    assert response.status_code == 403
    assert client.request(method, url, headers=admin_headers).status_code == 200


def test_an_issuer_cannot_submit_for_another_issuer(
    client: TestClient, database: Database, two_tenants: tuple[Tenant, Tenant]
) -> None:
    mine, theirs = two_tenants
    body = {
        "items": [{"learner": {"email": "a@example.org"}}],
        "achievement_id": str(theirs.achievement_id),
        "issuer_id": str(theirs.issuer_id),
    }
    response = client.post("/api/v1/credentials/batch", json=body, headers=mine.headers)
    assert response.status_code == 403
    del body["issuer_id"]
    response = client.post("/api/v1/credentials/batch", json=body, headers=mine.headers)
    assert response.status_code == 422  # their achievement is not one of mine
    assert response.json()["errors"][0]["field"] == "achievement_id"
    assert count(database, Job) == 0
