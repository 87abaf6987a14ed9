"""`/api/v1/learners`: an issuer's learner records (admins name the issuer with `issuer_id`).

Another issuer's learners answer 404; learner tokens 403.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from credex.deps import IssuerPrincipal, SessionDep
from credex.learners import service
from credex.learners.schemas import LearnerCreate, LearnerRead
from credex.pagination import CursorParam, LimitParam, Page

router = APIRouter(prefix="/api/v1/learners", tags=["learners"])


@router.post("", status_code=201, summary="Create a learner record")
def create(data: LearnerCreate, session: SessionDep, principal: IssuerPrincipal) -> LearnerRead:
    return LearnerRead.model_validate(service.create_learner(session, principal, data))


@router.get("", summary="List or search learners (newest first)")
def list_all(
    *,
    session: SessionDep,
    principal: IssuerPrincipal,
    q: Annotated[str | None, Query(max_length=320, description="part of a name or email")] = None,
    issuer_id: Annotated[uuid.UUID | None, Query(description="admins: one issuer's")] = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[LearnerRead]:
    rows, next_cursor = service.list_learners(
        session, principal, query=q, issuer_id=issuer_id, limit=limit, cursor=cursor
    )
    return Page(items=[LearnerRead.model_validate(row) for row in rows], next=next_cursor)


@router.get("/{learner_id}", summary="One learner")
def read(learner_id: uuid.UUID, session: SessionDep, principal: IssuerPrincipal) -> LearnerRead:
    return LearnerRead.model_validate(service.get_learner(session, principal, learner_id))
