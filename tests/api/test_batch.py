"""Bulk issuance over the API: JSON and CSV in, a job out, every credential issued and valid."""

from __future__ import annotations

import json
import uuid
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core import verify_credential
from credex.db.models import Credential, Job, JobItem, Learner
from credex.db.session import Database
from credex.jobs.runner import run_pending_jobs
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, count, make_tenant, verification_documents

BATCH = "/api/v1/credentials/batch"


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


def submit(client: TestClient, tenant: Tenant, body: dict[str, Any]) -> str:
    response = client.post(BATCH, json=body, headers=tenant.headers)
    assert response.status_code == 202, response.text
    job_id: str = response.json()["job_id"]
    assert response.headers["location"] == f"/api/v1/jobs/{job_id}"
    return job_id


def submit_csv(
    client: TestClient, tenant: Tenant, text: str | bytes, **form: str
) -> tuple[int, dict[str, Any]]:
    data = text.encode() if isinstance(text, str) else text
    response = client.post(
        BATCH, files={"file": ("learners.csv", data, "text/csv")}, data=form, headers=tenant.headers
    )
    return response.status_code, response.json()


def job_of(client: TestClient, tenant: Tenant, job_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/jobs/{job_id}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def issued(database: Database, job_id: str) -> dict[int, Credential]:
    """Row number → the credential that row produced."""
    with database.session() as session:
        rows = session.execute(
            select(JobItem.number, Credential)
            .join(Credential, Credential.id == JobItem.result_id)
            .where(JobItem.job_id == uuid.UUID(job_id))
        ).all()
        return dict(rows)


def assert_verified(client: TestClient, credential: Credential) -> None:
    if credential.format == "jwt":
        token = credential.content
        payload = jwt.decode(token, options={"verify_signature": False})
        report = verify_credential(token, documents=verification_documents(client, payload))
    else:
        document = credential.document
        assert document is not None
        report = verify_credential(document, documents=verification_documents(client, document))
    assert report.verified, report.to_dict()
    assert {check.id: check.outcome for check in report.checks}["proof"] == "passed"


def rows(tenant: Tenant, count_: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        {"learner": {"email": f"learner{n}@example.org", "name": f"Learner {n}"}} | extra
        for n in range(1, count_ + 1)
    ]


def test_json_batch_runs_to_done_and_every_credential_verifies(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    items = rows(tenant, 5)
    items[1] |= {"format": "jwt"}
    items[2] |= {"result": {"value": "Merit"}, "narrative": "Strong portfolio"}
    job_id = submit(client, tenant, {"items": items, "achievement_id": str(tenant.achievement_id)})
    queued = job_of(client, tenant, job_id)
    assert (queued["state"], queued["total"], queued["done"], queued["failed"]) == (
        "queued",
        5,
        0,
        0,
    )
    assert count(database, Credential) == 0  # issued in the background, not in the request

    assert run_pending_jobs(database, settings) == [uuid.UUID(job_id)]
    job = job_of(client, tenant, job_id)
    assert (job["state"], job["done"], job["failed"], job["errors"]) == ("done", 5, 0, [])
    assert job["rate"] > 0
    assert job["eta_seconds"] == 0
    assert job["started_at"]
    assert job["finished_at"]

    credentials = issued(database, job_id)
    assert sorted(credentials) == [1, 2, 3, 4, 5]
    assert count(database, Credential) == 5
    assert credentials[2].format == "jwt"
    for number in (1, 2, 3):  # a sample: each verifies like a single issuance (ldp and jwt)
        assert_verified(client, credentials[number])
    subject = credentials[3].document["credentialSubject"]  # type: ignore[index]
    assert subject["result"][0]["value"] == "Merit"
    assert subject["narrative"] == "Strong portfolio"


def test_csv_batch_with_bom_semicolons_and_dates(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    text = (
        "\ufeffEmail;Name;grade;evidence_url;evidence_name;activity_start;activity_end;"
        "awarded_date\r\n"
        "ana@example.org;Ana Silva;Distinction;https://portfolio.example/ana;Portfolio;"
        "2025-03-01;2025-06-30;2025-07-01T09:30:00+02:00\r\n"
        "\r\n"
        'ben@example.org;"Ben; the Bold";;;;;;\r\n'
    )
    status, body = submit_csv(client, tenant, text, achievement_id=str(tenant.achievement_id))
    assert status == 202, body
    run_pending_jobs(database, settings)
    job = job_of(client, tenant, body["job_id"])
    assert (job["state"], job["total"], job["done"]) == ("done", 2, 2)
    credentials = issued(database, body["job_id"])
    assert sorted(credentials) == [2, 4]  # spreadsheet rows: the blank row 3 still counts
    ana = credentials[2].document
    assert ana is not None
    assert ana["credentialSubject"]["activityStartDate"] == "2025-03-01T00:00:00Z"
    assert ana["credentialSubject"]["activityEndDate"] == "2025-06-30T00:00:00Z"
    assert ana["awardedDate"] == "2025-07-01T07:30:00Z"
    assert ana["evidence"][0]["id"] == "https://portfolio.example/ana"
    assert ana["credentialSubject"]["result"][0]["value"] == "Distinction"
    with database.session() as session:
        names = session.scalars(select(Learner.name).order_by(Learner.email)).all()
    assert names == ["Ana Silva", "Ben; the Bold"]


def test_csv_rows_may_name_their_own_achievement_and_format(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    text = f"email,achievement_id\nana@example.org,{tenant.achievement_id}\n"
    status, body = submit_csv(client, tenant, text, format="jwt")
    assert status == 202, body
    run_pending_jobs(database, settings)
    credentials = issued(database, body["job_id"])
    assert credentials[2].format == "jwt"
    assert credentials[2].jwt


def test_a_row_that_fails_while_issuing_is_reported_and_the_rest_issued(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    items = rows(tenant, 3)
    items[1]["learner"]["did"] = "did:example:ana-1"
    job_id = submit(client, tenant, {"items": items, "achievement_id": str(tenant.achievement_id)})
    # After submission, the learner of row 2 gets recorded with another DID.
    with database.unit_of_work() as session:
        session.add(
            Learner(issuer_id=tenant.issuer_id, email="learner2@example.org", did="did:example:x")
        )
    run_pending_jobs(database, settings)
    job = job_of(client, tenant, job_id)
    assert (job["state"], job["done"], job["failed"]) == ("done", 2, 1)
    assert job["errors"] == [
        {"row": 2, "field": "learner.did", "detail": job["errors"][0]["detail"]}
    ]
    assert "different DID" in job["errors"][0]["detail"]
    assert sorted(issued(database, job_id)) == [1, 3]
    assert count(database, Credential) == 2


def test_a_job_fails_as_a_whole_when_the_issuer_lost_its_key(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    from credex.db.models import IssuerKey

    job_id = submit(
        client, tenant, {"items": rows(tenant, 2), "achievement_id": str(tenant.achievement_id)}
    )
    with database.unit_of_work() as session:
        for key in session.scalars(
            select(IssuerKey).where(IssuerKey.issuer_id == tenant.issuer_id)
        ):
            key.status = "retired"
    run_pending_jobs(database, settings)
    job = job_of(client, tenant, job_id)
    assert (job["state"], job["done"], job["failed"]) == ("failed", 0, 0)
    assert "no active signing key" in job["failure"]
    assert count(database, Credential) == 0


def test_batch_without_a_signing_key_is_refused_up_front(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    from credex.db.models import IssuerKey

    with database.unit_of_work() as session:
        for key in session.scalars(
            select(IssuerKey).where(IssuerKey.issuer_id == tenant.issuer_id)
        ):
            key.status = "retired"
    body = {"items": rows(tenant, 1), "achievement_id": str(tenant.achievement_id)}
    response = client.post(BATCH, json=body, headers=tenant.headers)
    assert response.status_code == 409
    assert count(database, Job) == 0


def test_cancel_a_queued_batch(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    job_id = submit(
        client, tenant, {"items": rows(tenant, 3), "achievement_id": str(tenant.achievement_id)}
    )
    response = client.post(f"/api/v1/jobs/{job_id}/cancel", headers=tenant.headers)
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["cancel_requested"]) == ("cancelled", True)
    assert run_pending_jobs(database, settings) == []
    assert count(database, Credential) == 0
    again = client.post(f"/api/v1/jobs/{job_id}/cancel", headers=tenant.headers)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_admin_issues_for_a_named_issuer(
    client: TestClient,
    database: Database,
    settings: Settings,
    tenant: Tenant,
    admin_headers: dict[str, str],
) -> None:
    body = {"items": rows(tenant, 1), "achievement_id": str(tenant.achievement_id)}
    missing = client.post(BATCH, json=body, headers=admin_headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["pointer"] == "/issuer_id"
    response = client.post(
        BATCH, json=body | {"issuer_id": str(tenant.issuer_id)}, headers=admin_headers
    )
    assert response.status_code == 202
    run_pending_jobs(database, settings)
    job = client.get(f"/api/v1/jobs/{response.json()['job_id']}", headers=admin_headers).json()
    assert (job["state"], job["done"]) == ("done", 1)
    assert job_of(client, tenant, response.json()["job_id"])["kind"] == "credentials.batch"


def test_items_keep_what_they_were_validated_as(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    body = {
        "items": [{"learner": {"email": "  Ana@Example.ORG "}}],
        "achievement_id": str(tenant.achievement_id),
    }
    job_id = submit(client, tenant, body)
    with database.session() as session:
        item = session.scalars(select(JobItem).where(JobItem.job_id == uuid.UUID(job_id))).one()
    assert item.number == 1
    assert item.payload["learner"] == {"email": "ana@example.org"}
    assert json.loads(json.dumps(item.payload))["achievement_id"] == str(tenant.achievement_id)


def test_batch_credentials_say_what_single_issuance_says(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    request = {
        "achievement_id": str(tenant.achievement_id),
        "learner": {"email": "same@example.org", "name": "Sam", "did": "did:example:sam"},
        "result": {"value": "Merit"},
        "evidence": [{"id": "https://portfolio.example/sam", "name": "Portfolio"}],
        "narrative": "Well done",
        "activity_start": "2025-01-01T00:00:00Z",
        "activity_end": "2025-02-01T00:00:00Z",
        "awarded_date": "2025-02-02T00:00:00Z",
    }
    single = client.post("/api/v1/credentials", json=request, headers=tenant.headers)
    assert single.status_code == 201, single.text
    job_id = submit(client, tenant, {"items": [request, request]})
    run_pending_jobs(database, settings)
    batch_credential = issued(database, job_id)[1].document
    assert batch_credential is not None
    single_credential = single.json()["credential"]
    varying = {"id", "validFrom", "proof", "credentialStatus", "credentialSubject"}
    assert {k: v for k, v in batch_credential.items() if k not in varying} == {
        k: v for k, v in single_credential.items() if k not in varying
    }
    subject, expected = (
        batch_credential["credentialSubject"],
        single_credential["credentialSubject"],
    )
    assert subject.keys() == expected.keys()
    for key in subject.keys() - {"identifier"}:
        assert subject[key] == expected[key], key
    assert (
        batch_credential["credentialStatus"].keys() == single_credential["credentialStatus"].keys()
    )
    assert count(database, Learner) == 1


def test_rows_that_would_update_a_learner_go_through_single_issuance(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    with database.unit_of_work() as session:
        session.add(Learner(issuer_id=tenant.issuer_id, email="known@example.org"))
    items = [
        {"learner": {"email": "known@example.org", "name": "Now Named"}},
        {"learner": {"email": "fresh@example.org", "name": "Fresh"}},
    ]
    job_id = submit(client, tenant, {"items": items, "achievement_id": str(tenant.achievement_id)})
    run_pending_jobs(database, settings)
    assert job_of(client, tenant, job_id)["done"] == 2
    with database.session() as session:
        names = dict(session.execute(select(Learner.email, Learner.name)).all())
    assert names == {"known@example.org": "Now Named", "fresh@example.org": "Fresh"}


def test_a_bare_json_array_of_items_is_a_batch(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    """API.md: `POST /credentials/batch` takes the JSON list itself, beside `{"items": [...]}`."""
    items = rows(tenant, 2, achievement_id=str(tenant.achievement_id))
    response = client.post(BATCH, json=items, headers=tenant.headers)
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    assert run_pending_jobs(database, settings) == [uuid.UUID(job_id)]
    assert job_of(client, tenant, job_id)["done"] == 2
    for credential in issued(database, job_id).values():
        assert_verified(client, credential)

    bad = [items[0], items[1] | {"learner": {"email": "not-an-address"}}]
    refused = client.post(BATCH, json=bad, headers=tenant.headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert (error["row"], error["pointer"]) == (2, "/1/learner/email")  # into the body as sent
    empty = client.post(BATCH, json=[], headers=tenant.headers)
    assert (empty.status_code, empty.json()["errors"][0]["pointer"]) == (422, "")
    assert count(database, Credential) == 2
