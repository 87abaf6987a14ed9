"""Support for job tests (no tests here): a trivial handler recording each item in `effects`.

The effect is written in the runner's transaction, so counting effects per item shows whether
an item was done exactly once (a rolled-back chunk leaves no effect).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, Table, Uuid, func, insert, select
from sqlalchemy.orm import Session

from credex.db.models import Job, JobItem
from credex.db.session import Database
from credex.jobs import service
from credex.jobs.handlers import ItemFailed, JobFailed
from credex.settings import Settings

ECHO = "test.echo"
effects_metadata = MetaData()
effects = Table(
    "test_job_effects",
    effects_metadata,
    Column("job_id", Uuid, nullable=False),
    Column("number", Integer, nullable=False),
)


class SimulatedCrash(BaseException):
    """The process dies mid-chunk: nothing after this point runs, nothing is committed."""


class EchoHandler:
    kind = ECHO

    def __init__(
        self,
        *,
        crash_at: int | None = None,
        on_item: Callable[[Session, JobItem], None] | None = None,
        refuse_job: bool = False,
    ) -> None:
        self.crash_at = crash_at
        self.on_item = on_item
        self.refuse_job = refuse_job
        self.prepared = 0

    def prepare(self, session: Session, job: Job, settings: Settings) -> dict[str, Any]:
        self.prepared += 1
        if self.refuse_job:
            raise JobFailed("this job cannot run: no signing key")
        return {"job_id": job.id}

    def process(self, session: Session, context: Any, item: JobItem) -> uuid.UUID | None:
        # The effect is written BEFORE any failure, to prove a failed item leaves nothing behind.
        session.execute(insert(effects).values(job_id=context["job_id"], number=item.number))
        if self.on_item is not None:
            self.on_item(session, item)
        if item.number == self.crash_at:
            raise SimulatedCrash
        if item.payload.get("fail"):
            raise ItemFailed("told to fail", field="fail")
        if item.payload.get("boom"):
            raise RuntimeError("a bug")
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{context['job_id']}/{item.number}")


def create_effects_table(connection: Connection) -> None:
    effects_metadata.create_all(connection)


def submit_echo(
    database: Database,
    count: int,
    *,
    issuer_id: uuid.UUID | None = None,
    failing: tuple[int, ...] = (),
    boom: tuple[int, ...] = (),
) -> uuid.UUID:
    items = [
        (number, {"fail": number in failing, "boom": number in boom})
        for number in range(1, count + 1)
    ]
    with database.unit_of_work() as session:
        job = service.submit_job(
            session, kind=ECHO, issuer_id=issuer_id, created_by="test", params={}, items=items
        )
        return job.id


def effect_counts(database: Database, job_id: uuid.UUID) -> dict[int, int]:
    with database.session() as session:
        rows = session.execute(
            select(effects.c.number, func.count())
            .where(effects.c.job_id == job_id)
            .group_by(effects.c.number)
        ).all()
        return dict(rows)


def load(database: Database, job_id: uuid.UUID) -> Job:
    with database.session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def item_statuses(database: Database, job_id: uuid.UUID) -> dict[str, int]:
    with database.session() as session:
        rows = session.execute(
            select(JobItem.status, func.count())
            .where(JobItem.job_id == job_id)
            .group_by(JobItem.status)
        ).all()
        return dict(rows)
