"""`/api/v1/stacking-rules`: create, read, change and delete, validated on every save."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from credex.db.models import StackingRule
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import auth, count, make_achievement
from tests.api.test_stacking_support import (
    Stack,
    create_rule,
    demo_requirement,
    issue_component,
    leaf,
    learner_id_of,
    make_stack,
)
from tests.conftest import TEST_BASE_URL, make_token

RULES = "/api/v1/stacking-rules"


def post(client: TestClient, stack: Stack, requirement: Any, **fields: Any) -> Any:
    body = {"target_achievement_id": str(stack.target_id), "requirement": requirement} | fields
    return client.post(RULES, json=body, headers=stack.headers)


def errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [(e["pointer"], e["detail"]) for e in response.json()["errors"]]


def test_create_read_list_update_delete(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    rule = create_rule(client, stack, trusted_issuers=["did:key:z6MkA", "did:key:z6MkA"])
    assert rule["target_achievement_id"] == str(stack.target_id)
    assert rule["issuer_id"] == str(stack.issuer_id)
    assert rule["requirement"] == demo_requirement(stack)
    assert rule["trusted_issuers"] == ["did:key:z6MkA"]
    assert rule["active"] is True
    url = f"{RULES}/{rule['id']}"
    assert client.get(url, headers=stack.headers).json() == rule
    listed = client.get(RULES, headers=stack.headers).json()
    assert [item["id"] for item in listed["items"]] == [rule["id"]]
    assert listed["next"] is None

    changed = client.patch(
        url,
        json={
            "name": "Any two",
            "active": False,
            "requirement": {"type": "n_of", "n": 2, "of": [leaf(c) for c in stack.component_ids]},
        },
        headers=stack.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Any two"
    assert changed.json()["active"] is False
    assert changed.json()["requirement"]["type"] == "n_of"

    assert client.delete(url, headers=stack.headers).status_code == 204
    assert client.get(url, headers=stack.headers).status_code == 404
    assert count(database, StackingRule) == 0


def test_invalid_requirements_are_422_with_pointers_and_store_nothing(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    a, b, c = (str(cid) for cid in stack.component_ids)
    cases: list[tuple[Any, list[tuple[str, str]]]] = [
        (
            {"type": "n_of", "n": 4, "of": [leaf(a), leaf(b), leaf(c)]},
            [("/requirement/n", "4 needed but only 3 listed")],
        ),
        (
            {"type": "min_credits", "credits": 6, "filter": {"achievements": [a, b, c]}},
            [("/requirement/credits", "the listed achievements reach only 5.5 ECTS")],
        ),
        (
            {"type": "all_of", "of": [leaf(a), {"type": "min_eqf_level", "level": 9}]},
            [("/requirement/of/1/level", "Input should be less than or equal to 8")],
        ),
        (
            {"type": "all_of", "of": [leaf(a), leaf("not-an-id")]},
            [("/requirement/of/1/achievement", "no achievement not-an-id of this issuer")],
        ),
        (
            {"type": "min_credits", "credits": 0, "filter": {"min_eqf_level": 0}},
            [
                ("/requirement/credits", "Input should be greater than 0"),
                ("/requirement/filter/min_eqf_level", "Input should be greater than or equal to 1"),
            ],
        ),
    ]
    for requirement, expected in cases:
        assert errors(post(client, stack, requirement)) == expected, requirement
    missing = client.post(
        RULES, json={"target_achievement_id": str(stack.target_id)}, headers=stack.headers
    )
    assert ("/requirement", "Field required") in errors(missing)
    assert count(database, StackingRule) == 0


def test_references_by_url_own_other_and_external(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    own_url = f"{TEST_BASE_URL}/achievements/{stack.component_ids[0]}"
    external = "https://other.example/achievements/7"
    rule = create_rule(client, stack, {"type": "all_of", "of": [leaf(own_url), leaf(external)]})
    assert rule["requirement"]["of"][1]["achievement"] == external
    client.delete(f"{RULES}/{rule['id']}", headers=stack.headers)
    missing = f"{TEST_BASE_URL}/achievements/00000000-0000-4000-8000-000000000000"
    found = errors(post(client, stack, leaf(missing)))
    assert found == [("/requirement/achievement", f"no achievement {missing} of this issuer")]


def test_a_target_may_not_be_its_own_component_and_rules_may_not_cycle(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    found = errors(post(client, stack, {"type": "all_of", "of": [leaf(stack.target_id)]}))
    assert found[0][0] == "/requirement"
    assert found[0][1].startswith("a cycle between rules")
    # Rule 1: target ← component 0. Rule 2 (target: component 0) may not need the target.
    create_rule(client, stack, leaf(stack.component_ids[0]))
    body = {
        "target_achievement_id": str(stack.component_ids[0]),
        "requirement": {"type": "n_of", "n": 1, "of": [leaf(stack.target_id)]},
    }
    found = errors(client.post(RULES, json=body, headers=stack.headers))
    target_url = f"{TEST_BASE_URL}/achievements/{stack.target_id}"
    component_url = f"{TEST_BASE_URL}/achievements/{stack.component_ids[0]}"
    assert found == [
        ("/requirement", f"a cycle between rules: {component_url} → {target_url} → {component_url}")
    ]
    assert count(database, StackingRule) == 1


def test_one_rule_per_target_and_only_own_targets(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    first = create_rule(client, stack)
    again = post(client, stack, demo_requirement(stack))
    assert again.status_code == 409
    assert again.json()["rule_id"] == first["id"]
    body = {
        "target_achievement_id": "00000000-0000-4000-8000-000000000000",
        "requirement": leaf(stack.component_ids[0]),
    }
    found = errors(client.post(RULES, json=body, headers=stack.headers))
    assert found == [("/target_achievement_id", f"no achievement {body['target_achievement_id']}")]
    assert count(database, StackingRule) == 1


def test_patch_revalidates_and_changes_nothing_on_failure(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    rule = create_rule(client, stack)
    url = f"{RULES}/{rule['id']}"
    bad = {
        "name": "renamed",
        "requirement": {"type": "n_of", "n": 9, "of": [leaf(stack.target_id)]},
    }
    response = client.patch(url, json=bad, headers=stack.headers)
    assert response.status_code == 422
    assert client.get(url, headers=stack.headers).json() == rule
    assert (
        client.patch(url, json={"target_achievement_id": "x"}, headers=stack.headers).status_code
        == 422
    )


def test_a_rule_that_awarded_cannot_be_deleted_only_deactivated(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    rule = create_rule(client, stack)
    issued = [issue_component(client, stack, i) for i in range(3)]  # the third one awards
    pathway = client.get(
        f"/api/v1/learners/{learner_id_of(client, stack, issued[0]['id'])}/pathways",
        headers=stack.headers,
    ).json()["items"]
    assert pathway[0]["award"] is not None
    url = f"{RULES}/{rule['id']}"
    refused = client.delete(url, headers=stack.headers)
    assert refused.status_code == 409
    assert "set `active` to false" in refused.json()["detail"]
    assert (
        client.patch(url, json={"active": False}, headers=stack.headers).json()["active"] is False
    )


def test_roles(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    stack = make_stack(database, settings)
    assert client.get(RULES).status_code == 401
    learner = auth(make_token(database, role="learner", name="l", learner_email="ana@example.org"))
    assert client.get(RULES, headers=learner).status_code == 403
    body = {"target_achievement_id": str(stack.target_id), "requirement": demo_requirement(stack)}
    assert errors(client.post(RULES, json=body, headers=admin_headers)) == [
        ("/issuer_id", "required for admin tokens")
    ]
    created = client.post(
        RULES, json=body | {"issuer_id": str(stack.issuer_id)}, headers=admin_headers
    )
    assert created.status_code == 201, created.text
    listed = client.get(RULES, params={"issuer_id": str(stack.issuer_id)}, headers=admin_headers)
    assert [item["id"] for item in listed.json()["items"]] == [created.json()["id"]]


def test_a_draft_component_may_be_named(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    draft = make_achievement(database, stack.issuer_id, status="draft")
    assert post(client, stack, {"type": "all_of", "of": [leaf(draft)]}).status_code == 201
