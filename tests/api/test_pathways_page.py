"""The read-only progress page behind an unguessable link, and the demo stacking rule."""

from __future__ import annotations

from fastapi.testclient import TestClient

from credex.achievements.demo import ensure_demo_achievements
from credex.core.stacking import parse_requirement
from credex.db.models import PathwayShare, StackingRule
from credex.db.session import Database
from credex.frameworks.demo import ensure_demo_framework
from credex.issuance.demo import ensure_demo_credentials
from credex.issuers.service import ensure_demo_issuer
from credex.settings import Settings
from credex.stacking.demo import ensure_demo_rule
from credex.stacking.pathways import evaluate_and_award, learner_pathways
from tests.api.test_issuance_support import count
from tests.api.test_stacking_support import (
    create_rule,
    issue_component,
    learner_id_of,
    make_stack,
)
from tests.conftest import TEST_BASE_URL


def test_the_share_link_shows_progress_and_a_new_link_replaces_it(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    create_rule(client, stack)
    issued = [issue_component(client, stack, i) for i in range(2)]
    learner = learner_id_of(client, stack, issued[0]["id"])
    url = f"/api/v1/learners/{learner}/pathways/share"
    response = client.post(url, headers=stack.headers)
    assert response.status_code == 201, response.text
    link = response.json()["url"]
    assert link.startswith(f"{TEST_BASE_URL}/pathways/")
    assert len(link.rsplit("/", 1)[-1]) >= 40
    page = client.get(link.removeprefix(TEST_BASE_URL))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "noindex" in page.text
    assert "Digital entrepreneurship" in page.text
    assert "2 of 4" in page.text
    assert "IP basics" in page.text  # still needed
    assert "Storytelling · 2 ECTS · EQF 4" in page.text
    assert "Ana Silva" in page.text
    assert page.headers["Cache-Control"] == "no-store"

    newer = client.post(url, headers=stack.headers).json()["url"]
    assert newer != link
    assert client.get(link.removeprefix(TEST_BASE_URL)).status_code == 404
    assert client.get(newer.removeprefix(TEST_BASE_URL)).status_code == 200
    assert client.get("/pathways/not-a-token").status_code == 404
    assert count(database, PathwayShare) == 1


def test_demo_rule_is_idempotent_valid_and_awards_the_complete_demo_learner(
    database: Database, settings: Settings
) -> None:
    with database.unit_of_work() as session:
        framework = ensure_demo_framework(session)
        issuer = ensure_demo_issuer(session, settings)
        achievements = ensure_demo_achievements(session, issuer, framework)
        rule = ensure_demo_rule(session, issuer, achievements)
        assert rule is not None
        assert ensure_demo_rule(session, issuer, achievements) is rule
        assert rule.target_achievement_id == achievements[0].id  # the EQF 5, 6 ECTS one
        requirement = parse_requirement(rule.requirement)
        assert requirement.type == "all_of"
        assert requirement.of[-1].type == "min_credits"
        credentials = ensure_demo_credentials(session, settings, issuer, achievements)
        learners = {credential.learner_id for credential in credentials}
        views = learner_pathways(session, learners, settings)
        done = [view for view in views if view.progress.satisfied]
        assert len(done) == 1
        assert done[0].progress.summary == "4 of 4"
        # Issuing the last component already awarded the stacked credential, exactly once.
        assert done[0].award is not None
        awards = evaluate_and_award(
            session, issuer.id, done[0].learner_id, settings, actor="system:-:demo"
        )
        assert awards == []
    assert count(database, StackingRule) == 1
