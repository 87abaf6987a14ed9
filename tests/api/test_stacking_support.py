"""Shared set-up for the stacking and pathway tests (no tests).

A `Stack` is an issuer with three published micro-credentials (EQF 4: 2, 2 and 1.5 ECTS) that
stack into a larger published one, and an issuer token.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from credex.core.stacking import component_digest
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import auth, make_achievement, make_issuer
from tests.conftest import make_token

COMPONENTS = [("Storytelling", "2", 4), ("Crowdfunding", "2", 4), ("IP basics", "1.5", 4)]


@dataclass
class Stack:
    issuer_id: uuid.UUID
    target_id: uuid.UUID
    component_ids: list[uuid.UUID]
    headers: dict[str, str]


def make_stack(database: Database, settings: Settings, name: str = "Stack Lab") -> Stack:
    issuer_id = make_issuer(database, settings, name)
    target_id = make_achievement(
        database,
        issuer_id,
        name={"en": "Digital entrepreneurship"},
        eqf_level=5,
        ects_credits=Decimal(6),
    )
    components = [
        make_achievement(
            database,
            issuer_id,
            name={"en": title},
            ects_credits=Decimal(ects),
            eqf_level=eqf,
            stackability="stackable",
            stacks_into=[str(target_id)],
        )
        for title, ects, eqf in COMPONENTS
    ]
    token = make_token(database, role="issuer", name=f"{name} token", issuer_id=issuer_id)
    return Stack(issuer_id, target_id, components, auth(token))


def leaf(achievement_id: uuid.UUID | str) -> dict[str, str]:
    return {"type": "achievement", "achievement": str(achievement_id)}


def demo_requirement(stack: Stack) -> dict[str, Any]:
    """All three components and at least 5 ECTS at EQF 4 or above."""
    return {
        "type": "all_of",
        "of": [
            *(leaf(cid) for cid in stack.component_ids),
            {"type": "min_credits", "credits": 5, "filter": {"min_eqf_level": 4}},
        ],
    }


def create_rule(
    client: TestClient, stack: Stack, requirement: dict[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    body = {
        "target_achievement_id": str(stack.target_id),
        "name": "Three make one",
        "requirement": requirement or demo_requirement(stack),
    } | fields
    response = client.post("/api/v1/stacking-rules", json=body, headers=stack.headers)
    assert response.status_code == 201, response.text
    rule: dict[str, Any] = response.json()
    return rule


def issue_component(
    client: TestClient,
    stack: Stack,
    position: int,
    email: str = "ana@example.org",
    **overrides: Any,
) -> dict[str, Any]:
    body = {
        "achievement_id": str(stack.component_ids[position]),
        "learner": {"email": email, "name": "Ana Silva"},
    } | overrides
    response = client.post("/api/v1/credentials", json=body, headers=stack.headers)
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


def learner_id_of(client: TestClient, stack: Stack, credential_id: str) -> str:
    response = client.get(f"/api/v1/credentials/{credential_id}", headers=stack.headers)
    assert response.status_code == 200, response.text
    return str(response.json()["learner_id"])


def pathways(client: TestClient, stack: Stack, learner_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/learners/{learner_id}/pathways", headers=stack.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def evaluate(client: TestClient, stack: Stack, learner_id: str) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/learners/{learner_id}/pathways/evaluate", headers=stack.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def stack_accepting_external(
    client: TestClient,
    database: Database,
    settings: Settings,
    external_achievement: str,
    trusted_issuers: list[str],
) -> tuple[Stack, str]:
    """A stack whose rule wants two components and one credential from another issuer
    (named by its achievement or BadgeClass id); Ana holds the two components. Returns the
    stack and Ana's learner id."""
    stack = make_stack(database, settings)
    requirement = {
        "type": "all_of",
        "of": [
            leaf(stack.component_ids[0]),
            leaf(stack.component_ids[1]),
            leaf(external_achievement),
        ],
    }
    create_rule(client, stack, requirement, trusted_issuers=trusted_issuers)
    issued = [issue_component(client, stack, i) for i in range(2)]
    return stack, learner_id_of(client, stack, issued[0]["id"])


def assert_award_lists_external(
    client: TestClient, stack: Stack, learner_id: str, document: Any
) -> dict[str, Any]:
    """Evaluate: one award, whose third component is the external credential with the digest
    of its compact JSON, also named in the stacked credential's relatedResource. Returns the
    component as listed."""
    evaluate(client, stack, learner_id)  # awarded now, or already when it was added
    [item] = pathways(client, stack, learner_id)
    award = item["award"]
    listed: dict[str, Any] = award["components"][2]
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    assert listed["digest_multibase"] == component_digest(text)
    detail = client.get(f"/api/v1/credentials/{award['credential_id']}", headers=stack.headers)
    related = detail.json()["credential"]["relatedResource"][2]
    assert related == {"id": listed["id"], "digestMultibase": listed["digest_multibase"]}
    return listed
