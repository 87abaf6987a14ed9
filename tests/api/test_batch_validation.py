"""A batch with any bad row is refused whole: 422 naming each row and field, nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.db.models import Credential, Job, JobItem, Learner
from credex.db.session import Database
from credex.issuance import batch, batch_router
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, count, make_achievement, make_tenant

BATCH = "/api/v1/credentials/batch"


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


def assert_nothing_stored(database: Database) -> None:
    assert [count(database, model) for model in (Job, JobItem, Credential, Learner)] == [0] * 4


def refused(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def post_csv(client: TestClient, tenant: Tenant, data: str | bytes, **form: str) -> Any:
    raw = data.encode() if isinstance(data, str) else data
    return client.post(
        BATCH, files={"file": ("batch.csv", raw, "text/csv")}, data=form, headers=tenant.headers
    )


def test_every_bad_json_row_is_listed_and_nothing_is_issued(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    draft = make_achievement(database, tenant.issuer_id, status="draft")
    someone_else = make_tenant(database, settings, name="Other Academy")
    good = {"learner": {"email": "ok@example.org"}}
    items = [
        good,
        {"learner": {"email": "not-an-email"}},
        good | {"achievement_id": str(draft)},
        good | {"achievement_id": str(someone_else.achievement_id)},
        good | {"evidence": [{"id": "ftp://files.example/x"}]},
        good | {"activity_start": "2025-06-01T00:00:00Z", "activity_end": "2025-05-01T00:00:00Z"},
        good | {"result": {"value": "Superb"}},
        good | {"awarded_date": "yesterday"},
        {"learner_id": "7b0c1b52-5d6e-4c1d-9a64-1e0f6a0d9e10"},
        {},
        good,
    ]
    body = {"items": items, "achievement_id": str(tenant.achievement_id)}
    problem = refused(client.post(BATCH, json=body, headers=tenant.headers))
    assert problem["detail"] == "9 of 11 rows are invalid; nothing was issued"
    found = {(error["row"], error["field"]): error for error in problem["errors"]}
    assert set(found) == {
        (2, "learner.email"),
        (3, "achievement_id"),
        (4, "achievement_id"),
        (5, "evidence.0.id"),
        (6, "activity_end"),
        (7, "result.value"),
        (8, "awarded_date"),
        (9, "learner_id"),
        (10, "learner"),
    }
    assert found[(2, "learner.email")]["pointer"] == "/items/1/learner/email"
    assert found[(2, "learner.email")]["detail"].endswith("not a valid email address")
    assert "draft" in found[(3, "achievement_id")]["detail"]
    assert found[(4, "achievement_id")]["detail"] == "no achievement with this id for this issuer"
    assert "Pass, Merit, Distinction" in found[(7, "result.value")]["detail"]
    assert [error["row"] for error in problem["errors"]] == sorted(
        error["row"] for error in problem["errors"]
    )
    assert_nothing_stored(database)


def test_csv_errors_name_the_row_and_the_column(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    text = (
        "email,name,grade,evidence_url,activity_start\n"
        "ana@example.org,Ana,Pass,,\n"
        "bad-address,Ben,,,\n"
        "\n"
        "cy@example.org,Cy,,notaurl,2025-13-45\n"
        "di@example.org,Di,Excellent,,\n"
    )
    response = post_csv(client, tenant, text, achievement_id=str(tenant.achievement_id))
    problem = refused(response)
    assert problem["detail"] == "3 of 4 rows are invalid; nothing was issued"
    found = {(error["row"], error["field"]) for error in problem["errors"]}
    assert found == {(3, "email"), (5, "evidence_url"), (5, "activity_start"), (6, "grade")}
    assert_nothing_stored(database)


def test_csv_without_an_achievement_is_refused_per_row(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    problem = refused(post_csv(client, tenant, "email\nana@example.org\n"))
    assert problem["errors"] == [
        {
            "row": 2,
            "field": "achievement_id",
            "detail": "required: give it in the row, or once for the whole batch",
        }
    ]
    assert_nothing_stored(database)


@pytest.mark.parametrize(
    ("text", "field", "detail"),
    [
        ("name,grade\nAna,Pass\n", "email", "column missing"),
        ("email,colour\na@example.org,red\n", "colour", "unknown column"),
        ("email,Email\na@example.org,a@example.org\n", "Email", "this column appears twice"),
        ("", None, "empty file"),
    ],
)
def test_csv_header_problems(
    client: TestClient,
    database: Database,
    tenant: Tenant,
    text: str,
    field: str | None,
    detail: str,
) -> None:
    problem = refused(post_csv(client, tenant, text, achievement_id=str(tenant.achievement_id)))
    assert problem["errors"][0]["row"] == 1
    assert problem["errors"][0]["field"] == field
    assert problem["errors"][0]["detail"].startswith(detail)
    assert_nothing_stored(database)


def test_csv_encoding_and_shape_problems(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    achievement = {"achievement_id": str(tenant.achievement_id)}
    latin1 = post_csv(client, tenant, "email,name\nana@example.org,Jos\xe9\n".encode("latin-1"))
    assert refused(latin1)["errors"][0]["pointer"] == "/file"
    extra_cells = refused(post_csv(client, tenant, "email\na@example.org,x\n", **achievement))
    assert extra_cells["errors"][0]["row"] == 2
    header_only = refused(post_csv(client, tenant, "email\n", **achievement))
    assert header_only["errors"][0]["detail"] == "no rows"
    bad_form = refused(post_csv(client, tenant, "email\na@example.org\n", format="pdf"))
    assert bad_form["errors"][0]["pointer"] == "/format"
    no_file = client.post(
        BATCH, files={"upload": ("a.csv", b"email\n")}, data=achievement, headers=tenant.headers
    )
    assert refused(no_file)["errors"][0]["pointer"] == "/file"
    assert_nothing_stored(database)


def test_too_many_rows(
    client: TestClient, database: Database, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "MAX_BATCH_ROWS", 2)
    text = "email\na@example.org\nb@example.org\nc@example.org\n"
    problem = refused(post_csv(client, tenant, text, achievement_id=str(tenant.achievement_id)))
    assert problem["errors"] == [{"row": 4, "field": None, "detail": "more than 2 rows"}]
    too_many = {"items": [{}] * 50_001, "achievement_id": str(tenant.achievement_id)}
    json_problem = refused(client.post(BATCH, json=too_many, headers=tenant.headers))
    assert json_problem["errors"][0]["pointer"] == "/items"
    assert_nothing_stored(database)


def test_too_large_and_malformed_bodies(
    client: TestClient, database: Database, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_router, "MAX_BATCH_BYTES", 100)
    big = post_csv(client, tenant, "email\n" + "a@example.org\n" * 20)
    assert refused(big, 413)["title"] == "Payload too large"
    big_json = client.post(BATCH, json={"items": [{}] * 100}, headers=tenant.headers)
    refused(big_json, 413)
    monkeypatch.undo()
    headers = tenant.headers | {"content-type": "application/json"}
    refused(client.post(BATCH, content=b"{not json", headers=headers), 400)
    text_body = client.post(
        BATCH, content=b"a", headers=tenant.headers | {"content-type": "text/plain"}
    )
    assert refused(text_body)["errors"][0]["pointer"] == "/"
    refused(client.post(BATCH, json={"items": []}, headers=tenant.headers))
    refused(client.post(BATCH, json={"items": [{}], "colour": "red"}, headers=tenant.headers))
    assert_nothing_stored(database)


def test_rows_must_agree_on_a_learners_did(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    items = [
        {"learner": {"email": "ana@example.org", "did": "did:example:one"}},
        {"learner": {"email": "ANA@example.org", "did": "did:example:two"}},
        {"learner": {"email": "ana@example.org"}},
    ]
    body = {"items": items, "achievement_id": str(tenant.achievement_id)}
    problem = refused(client.post(BATCH, json=body, headers=tenant.headers))
    assert [(error["row"], error["field"]) for error in problem["errors"]] == [(2, "learner.did")]
    assert_nothing_stored(database)


def test_authentication_comes_first(client: TestClient, database: Database, tenant: Tenant) -> None:
    body = {"items": [{}]}
    assert refused(client.post(BATCH, json=body), 401)["status"] == 401
    learner = client.post(
        BATCH,
        json=body,
        headers={"Authorization": f"Bearer {make_learner_token(database)}"},
    )
    refused(learner, 403)
    assert_nothing_stored(database)


def make_learner_token(database: Database) -> str:
    from tests.conftest import make_token

    return make_token(database, role="learner", name="learner", learner_email="l@example.org")


def test_the_published_schema_describes_the_json_body() -> None:
    from pathlib import Path

    import jsonschema

    path = Path(__file__).resolve().parents[2] / "schemas" / "batch-request.schema.json"
    schema = json.loads(path.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    validator.check_schema(schema)
    good = {
        "items": [
            {"learner": {"email": "a@example.org", "name": "A"}, "grade": {"value": "Pass"}},
            {"learner_id": "7b0c1b52-5d6e-4c1d-9a64-1e0f6a0d9e10", "format": "jwt"},
        ],
        "achievement_id": "7b0c1b52-5d6e-4c1d-9a64-1e0f6a0d9e11",
        "format": "ldp",
    }
    assert list(validator.iter_errors(good)) == []
    assert not validator.is_valid({"items": []})
    assert not validator.is_valid({"items": [{"learner": {}}]})
    assert not validator.is_valid(good | {"colour": "red"})
