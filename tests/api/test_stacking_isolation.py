"""Issuer B can never read or change issuer A's rules, pathways, learners or credentials (404),
and cannot build rules out of A's achievements (422: unknown to B)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from credex.db.models import Award, Credential, ExternalCredential, PathwayShare, StackingRule
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import count
from tests.api.test_stacking_support import (
    create_rule,
    demo_requirement,
    issue_component,
    leaf,
    learner_id_of,
    make_stack,
)


def test_every_route_answers_404_to_another_issuer(
    client: TestClient, database: Database, settings: Settings
) -> None:
    a = make_stack(database, settings, "Lab A")
    b = make_stack(database, settings, "Lab B")
    rule = create_rule(client, a)
    issued = [issue_component(client, a, i) for i in range(3)]
    learner = learner_id_of(client, a, issued[0]["id"])
    before = {
        model: count(database, model)
        for model in (StackingRule, Award, Credential, ExternalCredential, PathwayShare)
    }
    rule_url = f"/api/v1/stacking-rules/{rule['id']}"
    requests = [
        ("GET", rule_url, None),
        ("PATCH", rule_url, {"active": False}),
        ("DELETE", rule_url, None),
        ("GET", f"/api/v1/learners/{learner}/pathways", None),
        ("POST", f"/api/v1/learners/{learner}/pathways/evaluate", None),
        ("POST", f"/api/v1/learners/{learner}/pathways/share", None),
        ("POST", f"/api/v1/learners/{learner}/external-credentials", {"jwt": "a.b.c"}),
        ("GET", f"/api/v1/credentials/{issued[0]['id']}/stacked", None),
    ]
    for method, url, body in requests:
        response = client.request(method, url, json=body, headers=b.headers)
        assert response.status_code == 404, (method, url, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/stacking-rules", headers=b.headers).json()["items"] == []
    after = {model: count(database, model) for model in before}
    assert after == before  # nothing awarded, shared, stored or changed for A
    assert client.get(rule_url, headers=a.headers).json() == rule


def test_rules_cannot_use_another_issuers_achievements(
    client: TestClient, database: Database, settings: Settings
) -> None:
    a = make_stack(database, settings, "Lab A")
    b = make_stack(database, settings, "Lab B")
    foreign = str(a.component_ids[0])
    body = {
        "target_achievement_id": str(b.target_id),
        "requirement": {"type": "all_of", "of": [leaf(foreign)]},
    }
    response = client.post("/api/v1/stacking-rules", json=body, headers=b.headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "pointer": "/requirement/of/0/achievement",
            "detail": f"no achievement {foreign} of this issuer",
        }
    ]
    body = {"target_achievement_id": str(a.target_id), "requirement": demo_requirement(b)}
    response = client.post("/api/v1/stacking-rules", json=body, headers=b.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/target_achievement_id"
    assert count(database, StackingRule) == 0


def test_another_issuers_credentials_never_count(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """The same person (same e-mail) at two issuers is two learner records; B's credentials do
    not complete A's rule."""
    a = make_stack(database, settings, "Lab A")
    b = make_stack(database, settings, "Lab B")
    create_rule(client, a)
    for i in range(3):
        issue_component(client, b, i)
    mine = issue_component(client, a, 0)
    learner = learner_id_of(client, a, mine["id"])
    items = client.get(f"/api/v1/learners/{learner}/pathways", headers=a.headers).json()["items"]
    assert items[0]["summary"] == "1 of 4"
    assert [c["credential_id"] for c in items[0]["counted"]] == [mine["id"]]
