"""`schemas/issue-request.schema.json` describes what `POST /api/v1/credentials` accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from credex.issuance.schemas import IssueRequest

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "issue-request.schema.json").read_text()
)
ACHIEVEMENT = "4b7a3c1e-2f5d-4e6a-9b8c-0d1e2f3a4b5c"
VALID: list[dict[str, Any]] = [
    {"achievement_id": ACHIEVEMENT, "learner": {"email": "ana@example.org"}},
    {
        "achievement_id": ACHIEVEMENT,
        "learner_id": "0f1e2d3c-4b5a-4697-8877-665544332211",
        "format": "jwt",
        "evidence": [{"id": "https://portfolio.example/ana", "name": "Portfolio"}],
        "narrative": "Great work.",
        "grade": {"value": "Merit"},
        "activity_start": "2025-01-01T09:00:00Z",
        "activity_end": "2025-02-01T17:00:00+01:00",
        "awarded_date": "2025-02-02T10:00:00Z",
        "valid_from": "2025-02-03T00:00:00Z",
        "public": True,
    },
]
INVALID: list[dict[str, Any]] = [
    {"learner": {"email": "ana@example.org"}},
    {"achievement_id": ACHIEVEMENT},
    {
        "achievement_id": ACHIEVEMENT,
        "learner": {"email": "ana@example.org"},
        "learner_id": "0f1e2d3c-4b5a-4697-8877-665544332211",
    },
    {"achievement_id": ACHIEVEMENT, "learner": {"email": "ana@example.org"}, "format": "pdf"},
    {"achievement_id": ACHIEVEMENT, "learner": {"email": "ana@example.org"}, "evidence": [{}]},
    {"achievement_id": ACHIEVEMENT, "learner": {"email": "ana@example.org"}, "result": {}},
    {"achievement_id": ACHIEVEMENT, "learner": {"email": "ana@example.org"}, "extra": 1},
]


def test_the_schema_is_valid_and_names_every_field() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert set(SCHEMA["properties"]) == set(IssueRequest.model_fields) | {"grade"}


@pytest.mark.parametrize("body", VALID)
def test_valid_bodies_pass_both(body: dict[str, Any]) -> None:
    assert list(Draft202012Validator(SCHEMA).iter_errors(body)) == []
    IssueRequest.model_validate(body)


@pytest.mark.parametrize("body", INVALID)
def test_invalid_bodies_fail_the_schema(body: dict[str, Any]) -> None:
    assert list(Draft202012Validator(SCHEMA).iter_errors(body))
