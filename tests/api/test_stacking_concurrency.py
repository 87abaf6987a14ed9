"""Concurrent triggers on PostgreSQL never award a stacked credential twice, and never miss it.

Threads use their own connections and commit for real (a rolled-back test transaction would
hide the races); everything written is deleted afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import Engine, delete, func, select, update

from credex.core.stacking import parse_requirement, requirement_json
from credex.db.models import (
    Achievement,
    AuditEntry,
    Award,
    AwardComponent,
    Credential,
    Issuer,
    IssuerKey,
    Learner,
    StackingRule,
    StatusList,
)
from credex.db.session import Database
from credex.issuance.schemas import IssueRequest, LearnerRef
from credex.issuance.service import issue_credential
from credex.settings import Settings
from credex.stacking.pathways import evaluate_and_award
from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.committed_cleanup import delete_rows_referencing_credentials

pytestmark = pytest.mark.postgres_only
THREADS = 8
ACTOR = "system:-:concurrency test"


@dataclass
class Committed:
    database: Database
    settings: Settings
    issuer_id: uuid.UUID
    components: list[uuid.UUID]

    def issue(self, position: int, email: str, *, then_evaluate: bool = False) -> int:
        """Issue one component (and evaluate in the same transaction, as issuance will)."""
        request = IssueRequest(
            achievement_id=self.components[position], learner=LearnerRef(email=email)
        )
        with self.database.unit_of_work() as session:
            credential = issue_credential(
                session, self.issuer_id, request, self.settings, actor=ACTOR
            )
            if not then_evaluate:
                return 0
            awards = evaluate_and_award(
                session, self.issuer_id, credential.learner_id, self.settings, actor=ACTOR
            )
            return len(awards)

    def evaluate(self, learner_id: uuid.UUID) -> int:
        with self.database.unit_of_work() as session:
            awards = evaluate_and_award(
                session, self.issuer_id, learner_id, self.settings, actor=ACTOR
            )
            return len(awards)

    def learner(self, email: str) -> uuid.UUID:
        with self.database.unit_of_work() as session:
            found = session.scalar(
                select(Learner.id).where(
                    Learner.issuer_id == self.issuer_id, Learner.email == email
                )
            )
            assert found is not None
            return found

    def count(self, model: type[Award] | type[Credential]) -> int:
        with self.database.unit_of_work() as session:
            stmt = select(func.count()).select_from(model).where(model.issuer_id == self.issuer_id)
            return int(session.scalar(stmt) or 0)


@pytest.fixture
def committed(engine: Engine, settings: Settings) -> Iterator[Committed]:
    database = Database(engine)  # not bound to the test transaction: commits are real
    issuer_id = make_issuer(database, settings, "Stacking Concurrency Lab")
    target = make_achievement(database, issuer_id, eqf_level=5, ects_credits=Decimal(6))
    components = [make_achievement(database, issuer_id) for _ in range(3)]
    requirement = parse_requirement(
        {
            "type": "all_of",
            "of": [{"type": "achievement", "achievement": str(c)} for c in components],
        }
    )
    with database.unit_of_work() as session:
        session.add(
            StackingRule(
                id=uuid.uuid4(),
                issuer_id=issuer_id,
                target_achievement_id=target,
                requirement=requirement_json(requirement),
                trusted_issuers=[],
            )
        )
    try:
        yield Committed(database, settings, issuer_id, components)
    finally:
        _clean_up(database, issuer_id)


def _clean_up(database: Database, issuer_id: uuid.UUID) -> None:
    with database.unit_of_work() as session:
        delete_rows_referencing_credentials(session, issuer_id)
        awards = select(Award.id).where(Award.issuer_id == issuer_id)
        session.execute(delete(AwardComponent).where(AwardComponent.award_id.in_(awards)))
        for model in (Award, StackingRule, AuditEntry, Credential, Learner, StatusList):
            session.execute(delete(model).where(model.issuer_id == issuer_id))  # type: ignore[attr-defined]
        session.execute(delete(Achievement).where(Achievement.issuer_id == issuer_id))
        session.execute(delete(IssuerKey).where(IssuerKey.issuer_id == issuer_id))
        session.execute(delete(Issuer).where(Issuer.id == issuer_id))


def _run(jobs: list[Callable[[], int]]) -> list[int]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda job: job(), jobs))


def _set_rules_active(committed: Committed, active: bool) -> None:
    with committed.database.unit_of_work() as session:
        session.execute(
            update(StackingRule)
            .where(StackingRule.issuer_id == committed.issuer_id)
            .values(active=active)
        )


def test_parallel_evaluations_award_once(committed: Committed) -> None:
    # Issuance evaluates rules itself; with the rule paused, only the parallel evaluations
    # below can award it.
    _set_rules_active(committed, False)
    for position in range(3):
        committed.issue(position, "ana@example.org")
    _set_rules_active(committed, True)
    learner = committed.learner("ana@example.org")
    before = committed.count(Credential)
    results = _run([lambda: committed.evaluate(learner) for _ in range(THREADS * 2)])
    assert sorted(results) == [0] * (THREADS * 2 - 1) + [1]
    assert committed.count(Award) == 1
    assert committed.count(Credential) == before + 1  # exactly one stacked credential


def test_issuances_that_complete_a_rule_together_award_it_exactly_once(
    committed: Committed,
) -> None:
    """Each learner holds one component; two parallel issuances bring the other two, each
    evaluating in its own transaction. Without the learner lock neither would see the other's
    credential and the award would be missed; with it, the later one awards."""
    emails = [f"learner{n}@example.org" for n in range(THREADS)]
    for email in emails:
        committed.issue(0, email)
    jobs = [
        (
            lambda email=email, position=position: committed.issue(
                position, email, then_evaluate=True
            )
        )
        for email in emails
        for position in (1, 2)
    ]
    _run(jobs)  # issuance awards within its own transaction; the evaluations add nothing
    assert committed.count(Award) == len(emails)
    with committed.database.unit_of_work() as session:
        per_learner = session.execute(
            select(Award.learner_id, func.count())
            .where(Award.issuer_id == committed.issuer_id)
            .group_by(Award.learner_id)
        ).all()
    assert sorted(n for _, n in per_learner) == [1] * len(emails)
