"""Stacking counts a component from when it was awarded, and a learner's external credential
awards what it completes when it is added (issue 13 §11)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from credex.core import Ed25519Signer
from credex.db.models import Award
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import count
from tests.api.test_pathways_external import OTHER_ACHIEVEMENT, add, external_credential
from tests.api.test_stacking_support import (
    create_rule,
    issue_component,
    leaf,
    learner_id_of,
    make_stack,
    pathways,
    stack_accepting_external,
)


def test_the_time_window_counts_from_awarded_date(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    both = {"type": "all_of", "of": [leaf(stack.component_ids[0]), leaf(stack.component_ids[1])]}
    create_rule(client, stack, {"type": "within", "months": 12, "of": both})
    old = issue_component(client, stack, 0, awarded_date="2023-03-01T09:00:00Z")
    issue_component(client, stack, 1)  # awarded today: more than 12 months after the first
    learner = learner_id_of(client, stack, old["id"])
    [item] = pathways(client, stack, learner)
    assert item["satisfied"] is False
    assert item["award"] is None
    assert count(database, Award) == 0


def test_components_awarded_together_long_ago_still_stack(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    both = {"type": "all_of", "of": [leaf(stack.component_ids[0]), leaf(stack.component_ids[1])]}
    create_rule(client, stack, {"type": "within", "months": 1, "of": both})
    issue_component(client, stack, 0, awarded_date="2023-03-01T09:00:00Z")
    issued = issue_component(client, stack, 1, awarded_date="2023-03-20T09:00:00Z")
    [item] = pathways(client, stack, learner_id_of(client, stack, issued["id"]))
    assert item["satisfied"] is True
    assert item["award"] is not None  # awarded on issuance


def test_adding_an_external_credential_awards_what_it_completes_at_once(
    client: TestClient, database: Database, settings: Settings
) -> None:
    other = Ed25519Signer.from_seed(bytes([9]) * 32)
    stack, learner = stack_accepting_external(
        client, database, settings, OTHER_ACHIEVEMENT, [other.controller]
    )
    assert count(database, Award) == 0
    response = add(client, stack, learner, {"credential": external_credential(other)})
    assert response.status_code == 201, response.text
    assert count(database, Award) == 1  # no separate `evaluate` call
    [item] = pathways(client, stack, learner)
    assert item["award"]["components"][2]["external_credential_id"] == response.json()["id"]
