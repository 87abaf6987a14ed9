"""Credentials from other issuers: verified before they count, only from trusted issuers,
re-checked at award time, and listed with their digest in the stacked credential."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.core import Ed25519Signer, sign_credential
from credex.core.verification import VerificationReport
from credex.db.models import Award, ExternalCredential
from credex.db.session import Database
from credex.settings import Settings
from credex.stacking import external
from tests.api.test_issuance_support import count
from tests.api.test_stacking_support import (
    Stack,
    assert_award_lists_external,
    create_rule,
    evaluate,
    issue_component,
    leaf,
    learner_id_of,
    make_stack,
    pathways,
    stack_accepting_external,
)
from tests.core.factories import ob_credential

OTHER_ACHIEVEMENT = "https://other.example/achievements/1"


@pytest.fixture(scope="module")
def other_issuer() -> Ed25519Signer:
    return Ed25519Signer.from_seed(bytes([7]) * 32)


def external_credential(
    signer: Ed25519Signer, email: str = "ana@example.org", issuer: str | None = None
) -> dict[str, Any]:
    credential = ob_credential(
        issuer or signer.controller, email=email, id="https://other.example/credentials/42"
    )
    credential["awardedDate"] = "2026-01-15T10:00:00Z"
    credential["credentialSubject"]["achievement"] |= {
        "id": OTHER_ACHIEVEMENT,
        "name": "Audience analytics",
        "creditsAvailable": 2,
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": "EQF level 4",
                "targetUrl": "http://data.europa.eu/snb/eqf/4",
                "targetType": "ext:EQF",
            },
            {
                "type": ["Alignment"],
                "targetName": "Audience development",
                "targetUrl": "https://other.example/competencies/d21",
                "targetCode": "D2.1",
                "targetFramework": "CCI skills",
            },
        ],
    }
    return sign_credential(credential, signer)


def add(client: TestClient, stack: Stack, learner: str, body: dict[str, Any]) -> Any:
    url = f"/api/v1/learners/{learner}/external-credentials"
    return client.post(url, json=body, headers=stack.headers)


def setup(
    client: TestClient, database: Database, settings: Settings, trusted: list[str]
) -> tuple[Stack, str]:
    return stack_accepting_external(client, database, settings, OTHER_ACHIEVEMENT, trusted)


def test_a_verified_external_credential_from_a_trusted_issuer_completes_a_pathway(
    client: TestClient, database: Database, settings: Settings, other_issuer: Ed25519Signer
) -> None:
    stack, learner = setup(client, database, settings, [other_issuer.controller])
    submitted = external_credential(other_issuer)
    response = add(client, stack, learner, {"credential": submitted})
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["verified"] is True
    assert stored["credential_issuer"] == other_issuer.controller
    assert stored["achievement_key"] == OTHER_ACHIEVEMENT
    assert stored["achievement_name"] == "Audience analytics"
    assert (stored["ects_credits"], stored["eqf_level"]) == (2, 4)
    assert stored["awarded_at"] == "2026-01-15T10:00:00Z"
    assert {c["id"]: c["outcome"] for c in stored["checks"]}["recipient"] == "passed"
    again = add(client, stack, learner, {"credential": submitted})
    assert (again.status_code, again.json()["id"]) == (200, stored["id"])

    [item] = pathways(client, stack, learner)
    assert item["satisfied"] is True
    assert item["counted"][2]["source"] == "external"
    assert item["counted"][2]["external_credential_id"] == stored["id"]
    listed = assert_award_lists_external(client, stack, learner, submitted)
    assert listed["id"] == "https://other.example/credentials/42"
    assert listed["external_credential_id"] == stored["id"]


def test_untrusted_issuers_do_not_count(
    client: TestClient, database: Database, settings: Settings, other_issuer: Ed25519Signer
) -> None:
    stack, learner = setup(client, database, settings, [])
    assert (
        add(client, stack, learner, {"credential": external_credential(other_issuer)}).status_code
        == 201
    )
    [item] = pathways(client, stack, learner)
    assert (item["satisfied"], item["summary"]) == (False, "2 of 3")
    assert item["not_counted"] == [
        {
            "id": "https://other.example/credentials/42",
            "reason": f"issuer {other_issuer.controller} is not trusted",
        }
    ]
    assert evaluate(client, stack, learner)["awarded"] == []


def test_credentials_that_fail_verification_are_refused_and_not_stored(
    client: TestClient, database: Database, settings: Settings, other_issuer: Ed25519Signer
) -> None:
    stack, learner = setup(client, database, settings, [other_issuer.controller])
    someone_else = add(
        client, stack, learner, {"credential": external_credential(other_issuer, "bob@example.org")}
    )
    assert someone_else.status_code == 422
    details = [e["detail"] for e in someone_else.json()["errors"]]
    assert any(d.startswith("recipient:") for d in details)
    tampered = copy.deepcopy(external_credential(other_issuer))
    tampered["credentialSubject"]["achievement"]["creditsAvailable"] = 20
    response = add(client, stack, learner, {"credential": tampered})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/credential"
    assert add(client, stack, learner, {"jwt": "not.a.jwt"}).status_code == 422
    assert add(client, stack, learner, {}).status_code == 422
    assert count(database, ExternalCredential) == 0


def test_undecided_credentials_wait_and_are_rechecked(
    client: TestClient,
    database: Database,
    settings: Settings,
    other_issuer: Ed25519Signer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An issuer DID that cannot be resolved now: kept, not counted, verified again later."""
    did = "did:web:other.example"
    signer = Ed25519Signer.from_seed(bytes(32), controller=did, verification_method=f"{did}#key-1")
    stack, learner = setup(client, database, settings, [did])
    monkeypatch.setattr(external, "make_fetcher", lambda _settings: None)
    response = add(client, stack, learner, {"credential": external_credential(signer, issuer=did)})
    assert response.status_code == 201, response.text
    assert response.json()["verified"] is False
    [item] = pathways(client, stack, learner)
    assert item["not_counted"][0]["reason"] == "not verified yet"
    assert evaluate(client, stack, learner)["awarded"] == []  # re-checked: still undecided
    assert count(database, Award) == 0


def test_external_credentials_are_rechecked_before_an_award(
    client: TestClient,
    database: Database,
    settings: Settings,
    other_issuer: Ed25519Signer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Added while the rule still lacked a component; revoked by the time that component is
    issued: the issuance re-checks it and awards nothing."""
    stack = make_stack(database, settings)
    requirement = {
        "type": "all_of",
        "of": [leaf(stack.component_ids[0]), leaf(stack.component_ids[1]), leaf(OTHER_ACHIEVEMENT)],
    }
    create_rule(client, stack, requirement, trusted_issuers=[other_issuer.controller])
    learner = learner_id_of(client, stack, issue_component(client, stack, 0)["id"])
    added = add(client, stack, learner, {"credential": external_credential(other_issuer)})
    assert added.json()["verified"] is True
    assert count(database, Award) == 0  # not complete yet

    def revoked_since(*_args: Any, **_kwargs: Any) -> VerificationReport:
        report = VerificationReport()
        report.add("proof", "passed", "signature verified")
        report.add("status", "failed", "revoked")
        return report

    monkeypatch.setattr(external, "_verify", revoked_since)
    issue_component(client, stack, 1)
    assert count(database, Award) == 0
    assert evaluate(client, stack, learner)["awarded"] == []
    [item] = pathways(client, stack, learner)
    assert item["satisfied"] is False
    assert item["not_counted"][0]["reason"] == "not verified yet"
    assert count(database, Award) == 0
