"""A learner's pathways: progress per rule, awarding exactly once, the stacked credential, and
what revoking a component does (and does not) do."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi.testclient import TestClient

from credex.core import verify_credential
from credex.core.credentials.schema import validate_ob_schema
from credex.core.stacking import component_digest
from credex.db.models import Award, Credential, StackingRule
from credex.db.session import Database
from credex.settings import Settings
from credex.stacking.pathways import evaluate_and_award, learner_pathways
from tests.api.test_issuance_support import count, fetch, make_achievement, verification_documents
from tests.api.test_stacking_support import (
    Stack,
    create_rule,
    evaluate,
    issue_component,
    learner_id_of,
    make_stack,
    pathways,
)
from tests.conftest import TEST_BASE_URL


def setup_learner(
    client: TestClient, database: Database, settings: Settings, held: int
) -> tuple[Stack, dict[str, Any], str, list[dict[str, Any]]]:
    stack = make_stack(database, settings)
    # Issue first, then create the rule: issuance itself evaluates rules (see the issuance
    # hook test), so only a rule created afterwards leaves the award to `evaluate`.
    issued = [issue_component(client, stack, i) for i in range(held)]
    rule = create_rule(client, stack)
    return stack, rule, learner_id_of(client, stack, issued[0]["id"]), issued


def stored(client: TestClient, stack: Stack, credential_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/credentials/{credential_id}", headers=stack.headers)
    body: dict[str, Any] = response.json()
    return body


def test_progress_counts_what_is_held_and_lists_what_is_missing(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack, rule, learner, issued = setup_learner(client, database, settings, held=2)
    [item] = pathways(client, stack, learner)
    assert item["rule_id"] == rule["id"]
    assert item["target_name"] == "Digital entrepreneurship"
    assert (item["satisfied"], item["summary"]) == (False, "2 of 4")
    assert item["missing"] == ["IP basics", "1 more ECTS at EQF ≥ 4"]
    assert [c["credential_id"] for c in item["counted"]] == [i["id"] for i in issued]
    assert item["counted"][0]["achievement_name"] == "Storytelling"
    assert item["counted"][0]["ects_credits"] == 2
    credit_sum = item["progress"]["children"][3]
    assert (credit_sum["kind"], credit_sum["summary"]) == ("min_credits", "4 of 5 ECTS")
    assert item["award"] is None


def test_evaluate_awards_exactly_once_and_the_pathway_shows_it(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack, rule, learner, issued = setup_learner(client, database, settings, held=3)
    first = evaluate(client, stack, learner)
    [award] = first["awarded"]
    assert award["rule_id"] == rule["id"]
    assert award["learner_id"] == learner
    assert [c["credential_id"] for c in award["components"]] == [i["id"] for i in issued]
    assert {c["status"] for c in award["components"]} == {"active"}
    assert first["pathways"][0]["award"]["id"] == award["id"]
    assert evaluate(client, stack, learner)["awarded"] == []
    assert count(database, Award) == 1
    [item] = pathways(client, stack, learner)
    assert item["satisfied"]
    assert item["award"]["credential_id"] == award["credential_id"]
    detail = stored(client, stack, award["credential_id"])
    assert detail["achievement_id"] == str(stack.target_id)
    assert detail["learner_id"] == learner


def test_the_stacked_credential_lists_components_with_digests_and_verifies(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack, _, learner, issued = setup_learner(client, database, settings, held=3)
    [award] = evaluate(client, stack, learner)["awarded"]
    credential = stored(client, stack, award["credential_id"])["credential"]
    assert validate_ob_schema(credential) == []
    assert credential["credentialSubject"]["achievement"]["id"].endswith(str(stack.target_id))
    components = {i["id"]: stored(client, stack, i["id"])["credential"] for i in issued}
    expected = [
        {
            "id": f"{TEST_BASE_URL}/credentials/{cid}",
            "digestMultibase": component_digest(
                json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
            ),
            "mediaType": "application/vc+ld+json",
        }
        for cid, doc in components.items()
    ]
    assert credential["relatedResource"] == expected
    assert [c["digest_multibase"] for c in award["components"]] == [
        e["digestMultibase"] for e in expected
    ]
    documents = verification_documents(client, credential)
    documents.update({e["id"]: components[e["id"].rsplit("/", 1)[-1]] for e in expected})
    report = verify_credential(credential, documents=documents)
    assert report.verified, report.to_dict()
    assert report.check("components").outcome == "passed"


def test_revoking_a_component_keeps_the_stacked_credential_but_its_check_fails(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack, _, learner, issued = setup_learner(client, database, settings, held=3)
    [award] = evaluate(client, stack, learner)["awarded"]
    revoked = issued[1]["id"]
    response = client.post(
        f"/api/v1/credentials/{revoked}/revoke",
        json={"reason": "plagiarism"},
        headers=stack.headers,
    )
    assert response.status_code == 200, response.text
    detail = stored(client, stack, award["credential_id"])
    assert detail["status"] == "active"  # never silently revoked
    affected = client.get(f"/api/v1/credentials/{revoked}/stacked", headers=stack.headers).json()
    assert affected["next"] is None
    [item] = affected["items"]
    assert (item["credential_id"], item["credential_status"]) == (award["credential_id"], "active")
    assert item["url"] == f"{TEST_BASE_URL}/credentials/{award['credential_id']}"
    untouched = issue_component(client, stack, 0, email="other@example.org")["id"]
    listed = client.get(f"/api/v1/credentials/{untouched}/stacked", headers=stack.headers)
    assert listed.json()["items"] == []

    credential = detail["credential"]
    documents = verification_documents(client, credential)
    for each in issued:
        component = stored(client, stack, each["id"])["credential"]
        documents[component["id"]] = component
        status_url = component["credentialStatus"]["statusListCredential"]
        documents[status_url] = fetch(client, status_url).json()
    report = verify_credential(credential, documents=documents)
    check = report.check("components")
    assert check.outcome == "failed"
    assert check.detail == "Component 'Crowdfunding' was revoked"
    assert report.check("status").outcome == "passed"  # the stacked credential itself is fine
    assert not report.verified
    [item] = pathways(client, stack, learner)
    statuses = [c["status"] for c in item["award"]["components"]]
    assert statuses == ["active", "revoked", "active"]
    assert item["satisfied"] is False  # progress no longer counts the revoked component


def test_inactive_rules_and_unpublished_targets_award_nothing(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack, rule, learner, _ = setup_learner(client, database, settings, held=3)
    url = f"/api/v1/stacking-rules/{rule['id']}"
    client.patch(url, json={"active": False}, headers=stack.headers)
    assert evaluate(client, stack, learner)["awarded"] == []
    client.patch(url, json={"active": True}, headers=stack.headers)

    draft_target = make_achievement(database, stack.issuer_id, status="draft")
    other = create_rule(
        client,
        stack,
        {"type": "achievement", "achievement": str(stack.component_ids[0])},
        target_achievement_id=str(draft_target),
    )
    result = evaluate(client, stack, learner)
    assert [a["rule_id"] for a in result["awarded"]] == [rule["id"]]  # not the draft one
    satisfied = {p["rule_id"]: p["satisfied"] for p in result["pathways"]}
    assert satisfied[other["id"]] is True
    assert count(database, Award) == 1  # the draft target's claim was rolled back
    assert count(database, StackingRule) == 2


def test_a_learner_who_already_holds_the_target_gets_no_second_one(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack, _, learner, _ = setup_learner(client, database, settings, held=3)
    body = {"achievement_id": str(stack.target_id), "learner_id": learner}
    assert client.post("/api/v1/credentials", json=body, headers=stack.headers).status_code == 201
    before = count(database, Credential)
    assert evaluate(client, stack, learner)["awarded"] == []
    assert count(database, Credential) == before


def test_an_award_can_complete_a_further_rule(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """Stacks of stacks: the stacked credential is itself a component of a larger one."""
    stack, _, learner, _ = setup_learner(client, database, settings, held=3)
    capstone = make_achievement(database, stack.issuer_id, eqf_level=6)
    create_rule(
        client,
        stack,
        {"type": "achievement", "achievement": str(stack.target_id)},
        target_achievement_id=str(capstone),
    )
    awarded = evaluate(client, stack, learner)["awarded"]
    assert len(awarded) == 2
    assert stored(client, stack, awarded[1]["credential_id"])["achievement_id"] == str(capstone)


def test_evaluate_and_award_is_the_issuance_hook(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """What issuance calls after each credential: awards once, then nothing."""
    stack, _, learner, _ = setup_learner(client, database, settings, held=3)
    learner_id = uuid.UUID(learner)
    with database.unit_of_work() as session:
        awards = evaluate_and_award(session, stack.issuer_id, learner_id, settings, actor="x")
        assert len(awards) == 1
        assert awards[0].credential_id is not None
    with database.unit_of_work() as session:
        assert evaluate_and_award(session, stack.issuer_id, learner_id, settings, actor="x") == []
        views = learner_pathways(session, [learner_id], settings)
        assert [view.award.id for view in views if view.award] == [awards[0].id]


def test_pathways_are_paginated_newest_rule_first(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack, first, learner, _ = setup_learner(client, database, settings, held=1)
    second_target = make_achievement(database, stack.issuer_id)
    second = create_rule(
        client,
        stack,
        {"type": "achievement", "achievement": str(stack.component_ids[0])},
        target_achievement_id=str(second_target),
    )
    url = f"/api/v1/learners/{learner}/pathways"
    page = client.get(url, params={"limit": 1}, headers=stack.headers).json()
    assert [i["rule_id"] for i in page["items"]] == [second["id"]]
    assert page["items"][0]["summary"] == "1 of 1"
    rest = client.get(url, params={"limit": 1, "cursor": page["next"]}, headers=stack.headers)
    assert [i["rule_id"] for i in rest.json()["items"]] == [first["id"]]
    assert rest.json()["next"] is None


def test_a_vc_jwt_component_is_listed_by_the_digest_of_its_compact_jws(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    issued = [issue_component(client, stack, i) for i in range(2)]
    jwt_component = issue_component(client, stack, 2, format="jwt")
    create_rule(client, stack)
    learner = learner_id_of(client, stack, issued[0]["id"])
    [award] = evaluate(client, stack, learner)["awarded"]
    credential = stored(client, stack, award["credential_id"])["credential"]
    listed = credential["relatedResource"][2]
    assert listed == {
        "id": f"{TEST_BASE_URL}/credentials/{jwt_component['id']}",
        "digestMultibase": component_digest(jwt_component["jwt"]),
        "mediaType": "text/plain",
    }
    documents = verification_documents(client, credential)
    documents[listed["id"]] = jwt_component["jwt"]
    report = verify_credential(credential, documents=documents)
    assert report.check("components").outcome == "error"  # two of three not supplied
    assert "1 of 3 component(s) verified" in report.check("components").detail


def test_issuing_the_last_component_awards_the_stacked_credential(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """The rule exists first; the third issuance completes it and the award follows at once."""
    stack = make_stack(database, settings)
    create_rule(client, stack)
    issued = [issue_component(client, stack, i) for i in range(3)]
    learner = learner_id_of(client, stack, issued[0]["id"])
    assert count(database, Award) == 1
    [item] = pathways(client, stack, learner)
    assert item["satisfied"]
    assert item["award"] is not None
    assert evaluate(client, stack, learner)["awarded"] == []
