"""What a kind of job does, and the registry the runner looks handlers up in.

The runner is model-agnostic: it knows jobs and items, not credentials. A handler prepares the
per-job constants ONCE per run (signer, documents, ...) and then processes one item at a time
inside the runner's transaction, so the work and the item's "done" mark commit together.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.orm import Session

from credex.db.models import Job, JobItem
from credex.settings import Settings


class ItemFailed(Exception):
    """This item cannot be processed (bad data); the job carries on with the next one."""

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class JobFailed(Exception):
    """The job as a whole cannot proceed (e.g. the issuer lost its signing key)."""


class JobHandler(Protocol):
    """`prepare` may raise `JobFailed`; `process` raises `ItemFailed` (or a `CredexError`).

    The context returned by `prepare` outlives the session it was made in: keep plain data in
    it, not ORM rows.
    """

    kind: str

    def prepare(self, session: Session, job: Job, settings: Settings) -> Any: ...

    def process(self, session: Session, context: Any, item: JobItem) -> uuid.UUID | None: ...


class ChunkJobHandler(JobHandler, Protocol):
    """A handler that can also do a whole chunk at once (fewer queries per item).

    `process_chunk` returns one result per item, all succeeded; if it raises, the runner rolls
    its work back and processes the chunk item by item with `process`.
    """

    def process_chunk(
        self, session: Session, context: Any, items: Sequence[JobItem]
    ) -> Sequence[uuid.UUID | None]: ...


_registry: dict[str, JobHandler] = {}


def register_handler(handler: JobHandler) -> None:
    _registry[handler.kind] = handler


def registered_handlers() -> dict[str, JobHandler]:
    return dict(_registry)
