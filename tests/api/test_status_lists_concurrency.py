"""Concurrent issuance on PostgreSQL: no status index is ever handed out twice, one idempotency
key issues once, and a new learner is created once. Threads use their own connections and
commit for real (the usual rolled-back test transaction would hide the races); everything they
write is deleted afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, delete, func, select

from credex.db.models import (
    Achievement,
    AuditEntry,
    Credential,
    Issuer,
    IssuerKey,
    Learner,
    StatusList,
)
from credex.db.session import Database
from credex.issuance.schemas import IssueRequest, LearnerRef
from credex.issuance.service import issue_credential
from credex.settings import Settings
from credex.status_lists import allocation
from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.committed_cleanup import delete_rows_referencing_credentials

pytestmark = pytest.mark.postgres_only
THREADS = 8


@dataclass
class Committed:
    database: Database
    issuer_id: uuid.UUID
    achievement_id: uuid.UUID


@pytest.fixture
def committed(engine: Engine, settings: Settings) -> Iterator[Committed]:
    database = Database(engine)  # not bound to the test transaction: commits are real
    issuer_id = make_issuer(database, settings, "Concurrency Lab")
    achievement_id = make_achievement(database, issuer_id)
    try:
        yield Committed(database, issuer_id, achievement_id)
    finally:
        with database.unit_of_work() as session:
            delete_rows_referencing_credentials(session, issuer_id)
            for model in (AuditEntry, Credential, Learner, StatusList, Achievement, IssuerKey):
                session.execute(delete(model).where(model.issuer_id == issuer_id))  # type: ignore[attr-defined]
            session.execute(delete(Issuer).where(Issuer.id == issuer_id))


def _run(jobs: list[Callable[[], uuid.UUID]]) -> list[uuid.UUID]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda job: job(), jobs))


def _issuer(
    committed: Committed, settings: Settings, email: str, key: str | None = None
) -> Callable[[], uuid.UUID]:
    def job() -> uuid.UUID:
        request = IssueRequest(
            achievement_id=committed.achievement_id, learner=LearnerRef(email=email)
        )
        with committed.database.unit_of_work() as session:
            credential = issue_credential(
                session,
                committed.issuer_id,
                request,
                settings,
                actor="system:-:test",
                idempotency_key=key,
            )
            return credential.id

    return job


def test_parallel_issuance_never_reuses_an_index(
    committed: Committed, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 400-entry list and 240 parallel issuances: collisions are frequent, so the retry
    path and the first-list race are exercised; rollover at 50 % races too."""
    monkeypatch.setattr(allocation, "LIST_CAPACITY", 400)
    monkeypatch.setattr(allocation, "ROLLOVER_FILL", 0.5)
    monkeypatch.setattr(allocation, "FILL_CHECK_EVERY", 4)
    monkeypatch.setattr(allocation, "MAX_DRAWS", 40)
    ids = _run([_issuer(committed, settings, f"l{n}@example.org") for n in range(240)])
    assert len(set(ids)) == 240
    with committed.database.unit_of_work() as session:
        pairs = session.execute(
            select(Credential.status_list_id, Credential.status_index).where(
                Credential.issuer_id == committed.issuer_id
            )
        ).all()
        token_entries = session.execute(
            select(Credential.token_list_id, Credential.token_index).where(
                Credential.issuer_id == committed.issuer_id
            )
        ).all()
        open_lists = session.execute(
            select(StatusList.purpose, func.count())
            .where(StatusList.issuer_id == committed.issuer_id, StatusList.state == "open")
            .group_by(StatusList.purpose)
        ).all()
    assert len(pairs) == len(set(pairs)) == 240
    # The Token Status List entries drawn beside them race the same way.
    assert len(token_entries) == len(set(token_entries)) == 240
    assert dict(open_lists) == {"revocation": 1, "token-status": 1}


def test_one_idempotency_key_issues_once_under_concurrency(
    committed: Committed, settings: Settings
) -> None:
    ids = _run(
        [_issuer(committed, settings, "same@example.org", key="k-1") for _ in range(THREADS * 2)]
    )
    assert len(set(ids)) == 1
    with committed.database.unit_of_work() as session:
        credentials = session.scalar(
            select(func.count())
            .select_from(Credential)
            .where(Credential.issuer_id == committed.issuer_id)
        )
        learners = session.scalar(
            select(func.count())
            .select_from(Learner)
            .where(Learner.issuer_id == committed.issuer_id)
        )
    assert (credentials, learners) == (1, 1)


def test_a_new_learner_is_created_once_under_concurrency(
    committed: Committed, settings: Settings
) -> None:
    ids = _run([_issuer(committed, settings, "new@example.org") for _ in range(THREADS * 2)])
    assert len(set(ids)) == THREADS * 2
    with committed.database.unit_of_work() as session:
        learners = session.scalar(
            select(func.count())
            .select_from(Learner)
            .where(Learner.issuer_id == committed.issuer_id)
        )
    assert learners == 1
