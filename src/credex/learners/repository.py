"""Queries for learners. Every tenant query starts from `learners_visible_to`.

Isolation lives here: an issuer token sees its own issuer's learners, admins see all (or one
issuer's), anyone else nothing. Callers turn "not visible" into 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import Learner
from credex.issuance.sql import insert_unless_conflict


def learners_visible_to(
    principal: Principal, issuer_id: uuid.UUID | None = None
) -> Select[Learner]:
    stmt = select(Learner)
    if principal.is_admin:
        return stmt if issuer_id is None else stmt.where(Learner.issuer_id == issuer_id)
    if principal.role == "issuer" and principal.issuer_id is not None:
        if issuer_id is not None and issuer_id != principal.issuer_id:
            return stmt.where(false())
        return stmt.where(Learner.issuer_id == principal.issuer_id)
    return stmt.where(false())


def learners_of_issuer(issuer_id: uuid.UUID) -> Select[Learner]:
    """The scope issuance works in: the issuer has already been authorised by the caller."""
    return select(Learner).where(Learner.issuer_id == issuer_id)


def matching(stmt: Select[Learner], query: str) -> Select[Learner]:
    """Case-insensitive substring search on name and e-mail (LIKE wildcards escaped)."""
    return stmt.where(
        or_(
            Learner.email.icontains(query, autoescape=True),
            Learner.name.icontains(query, autoescape=True),
        )
    )


def find_visible_learner(
    session: Session, principal: Principal, learner_id: uuid.UUID
) -> Learner | None:
    return session.scalar(learners_visible_to(principal).where(Learner.id == learner_id))


def learner_by_id(session: Session, issuer_id: uuid.UUID, learner_id: uuid.UUID) -> Learner | None:
    return session.scalar(learners_of_issuer(issuer_id).where(Learner.id == learner_id))


def learner_by_email(session: Session, issuer_id: uuid.UUID, email: str) -> Learner | None:
    return session.scalar(learners_of_issuer(issuer_id).where(Learner.email == email))


def insert_learner(session: Session, values: dict[str, Any]) -> Learner | None:
    """The new learner, or None when the issuer already has one with this e-mail address."""
    return insert_unless_conflict(session, Learner, {"id": uuid.uuid4(), **values})
