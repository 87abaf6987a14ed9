"""OB 3.0 JSON Schema check (expected results from vectors/README.md) and the subject rule."""

from __future__ import annotations

import hashlib
import json
import socket
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from credex.core.credentials.schema import (
    check_subject_rule,
    is_open_badge_credential,
    validate_ob_schema,
)

VECTORS = Path(__file__).parent / "vectors"
VALID = [
    "ob-v3p0-examples/basicOpenBadgeCredential-1.json",
    "ob-v3p0-examples/docformat-1.json",
    "ob-v3p0-examples/fullOpenBadge-1.json",
    "ob-v3p0-examples/achievementAlignmentCase-1.json",
    "ob-v3p0-examples/achievementAlignmentCe-1.json",
    "ob-v3p0-examples/skillAssertionCase-1.json",
    "ob-v3p0-examples/skillAssertionCtdl-1.json",
    "ob-v3p0-ldp/obv3p0/unsigned.json",
    "edubadges-obv3-microcredential/theed_microcredential_full_ho.json",
    "edubadges-obv3-microcredential/theed_microcredential_minimal_ho.json",
]
# file → a (pointer, message fragment) the report must contain
INVALID = {
    "ob-v3p0-examples/examples-1.json": ("/credentialSubject", "'achievement' is a required"),
    "ob-v3p0-examples/recommended-practices-1.json": ("/credentialSubject/type", "expected array"),
    "ob-v3p0-examples/recommended-practices-2.json": ("/issuer/type", "expected array, got string"),
    "ob-v3p0-ldp/obv3p0/signed.json": ("/proof", "expected array, got object"),
}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", VALID)
def test_valid_vectors(name: str) -> None:
    assert validate_ob_schema(load(name)) == []


@pytest.mark.parametrize(("name", "expected"), INVALID.items())
def test_invalid_vectors_report_pointer_and_reason(name: str, expected: tuple[str, str]) -> None:
    pointer, fragment = expected
    errors = validate_ob_schema(load(name))
    assert any(error.startswith(f"{pointer}: ") and fragment in error for error in errors), errors
    assert all(len(error) < 300 for error in errors)  # whole instances are not echoed


def test_shipped_schema_is_the_official_file() -> None:
    shipped = resources.files("credex.core.credentials").joinpath(
        "schemas", "ob_v3p0_achievementcredential_schema.json"
    )
    official = VECTORS / "ob-v3p0-schema" / "ob_v3p0_achievementcredential_schema.json"
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert digest == hashlib.sha256(official.read_bytes()).hexdigest()


def test_date_time_format_is_asserted() -> None:
    document = load("ob-v3p0-examples/basicOpenBadgeCredential-1.json")
    document["validFrom"] = "2010-01-01T00:00:00"  # no timezone
    document["credentialSubject"]["achievement"]["creator"] = {
        "id": "https://example.com/p",
        "type": ["Profile"],
        "dateOfBirth": "1990-02-30",
    }
    errors = validate_ob_schema(document)
    assert any(error.startswith("/validFrom: ") and "date-time" in error for error in errors)
    assert any("/creator/dateOfBirth: " in error and "'date'" in error for error in errors)


def test_enumeration_errors_stay_short() -> None:
    document = load("ob-v3p0-examples/basicOpenBadgeCredential-1.json")
    document["credentialSubject"]["achievement"]["achievementType"] = "Nanodegree"
    document["credentialSubject"]["type"] = ["Learner"]
    assert validate_ob_schema(document) == [
        "/credentialSubject/achievement/achievementType: 'Nanodegree' is not an allowed value"
        " (see the OB enumeration)",
        "/credentialSubject/type: must contain one of ['AchievementSubject']",
    ]


def test_validation_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name in [*VALID, *INVALID]:
        validate_ob_schema(load(name))


@pytest.mark.parametrize(
    ("subject", "problem"),
    [
        ({"id": "did:example:1"}, None),
        ({"identifier": [{"type": "IdentityObject"}]}, None),
        ([{"id": "did:example:1"}, {"identifier": [{}]}], None),
        ({"type": ["AchievementSubject"]}, "/credentialSubject: needs an id"),
        ({"identifier": []}, "/credentialSubject: needs an id"),
        ([{"id": "did:example:1"}, {}], "/credentialSubject/1: needs an id"),
        ("did:example:1", "/credentialSubject: must be an object"),
        (None, "/credentialSubject: missing"),
    ],
)
def test_subject_rule(subject: Any, problem: str | None) -> None:
    result = check_subject_rule({"credentialSubject": subject})
    if problem is None:
        assert result is None
    else:
        assert result is not None
        assert result.startswith(problem)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"type": ["VerifiableCredential", "OpenBadgeCredential"]}, True),
        ({"type": ["VerifiableCredential", "AchievementCredential"]}, True),
        ({"type": "OpenBadgeCredential"}, True),
        ({"type": ["VerifiableCredential", "EndorsementCredential"]}, False),
        ({"type": "VerifiableCredential"}, False),
        ({}, False),
        (["OpenBadgeCredential"], False),
        ("OpenBadgeCredential", False),
    ],
)
def test_is_open_badge_credential(data: object, expected: bool) -> None:
    assert is_open_badge_credential(data) is expected
