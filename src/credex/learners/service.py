"""Rules for learners: one record per (issuer, normalised e-mail); issuance creates missing ones.

Services never commit; the caller's unit of work does, so a learner created while issuing a
credential disappears with it if issuance fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import Learner
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.learners import repository
from credex.learners.schemas import LearnerCreate
from credex.learners.tenancy import acting_issuer_id
from credex.pagination import paginate


class LearnerFields(Protocol):
    """What issuance passes in: a validated e-mail and the optional facts about the person."""

    @property
    def email(self) -> str: ...
    @property
    def name(self) -> str | None: ...
    @property
    def did(self) -> str | None: ...
    @property
    def external_id(self) -> str | None: ...


def create_learner(session: Session, principal: Principal, data: LearnerCreate) -> Learner:
    issuer_id = acting_issuer_id(session, principal, data.issuer_id)
    learner = repository.insert_learner(session, _values(issuer_id, data))
    if learner is None:
        existing = repository.learner_by_email(session, issuer_id, data.email)
        raise Conflict(
            "this issuer already has a learner with this email address",
            learner_id=str(existing.id) if existing else None,
        )
    return learner


def get_learner(session: Session, principal: Principal, learner_id: uuid.UUID) -> Learner:
    learner = repository.find_visible_learner(session, principal, learner_id)
    if learner is None:
        raise NotFound(f"no learner {learner_id}")
    return learner


def list_learners(
    session: Session,
    principal: Principal,
    *,
    query: str | None,
    issuer_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Learner], str | None]:
    stmt = repository.learners_visible_to(principal, issuer_id)
    if query and query.strip():
        stmt = repository.matching(stmt, query.strip())
    return paginate(
        session, stmt, created_at=Learner.created_at, row_id=Learner.id, limit=limit, cursor=cursor
    )


@dataclass(frozen=True)
class IssuanceLearner:
    """The learner a credential goes to, and whether this transaction created the record.

    A record created in this transaction holds nothing yet but what this transaction gives it,
    which lets stacking skip loading (and locking) the learner's history.
    """

    learner: Learner
    created: bool


def learner_for_issuance(
    session: Session,
    issuer_id: uuid.UUID,
    ref: LearnerFields | None,
    learner_id: uuid.UUID | None,
) -> IssuanceLearner:
    """The learner a credential is for: by id, or by e-mail (created when new).

    Facts the record lacks (name, DID, external id) are filled in from the request; a DID that
    contradicts the recorded one is refused, because it would go into the signed credential.
    The insert comes first (one statement for a new learner, the common case of bulk awards);
    an existing e-mail makes it return nothing and the record is read instead.
    """
    if (ref is None) == (learner_id is None):
        raise InvalidInput(
            "say who the credential is for: either `learner` or `learner_id`",
            errors=[field_error("/learner", "give exactly one of learner, learner_id")],
        )
    if learner_id is not None:
        found = repository.learner_by_id(session, issuer_id, learner_id)
        if found is None:
            raise NotFound(f"no learner {learner_id}")
        return IssuanceLearner(found, created=False)
    assert ref is not None
    created = repository.insert_learner(session, _values(issuer_id, ref))
    if created is not None:
        return IssuanceLearner(created, created=True)
    learner = repository.learner_by_email(session, issuer_id, ref.email)
    if learner is None:  # pragma: no cover - the conflict proves the row exists
        raise Conflict("the learner record changed concurrently; retry")
    _reconcile(learner, ref)
    return IssuanceLearner(learner, created=False)


def _values(issuer_id: uuid.UUID, data: LearnerFields) -> dict[str, object]:
    return {
        "issuer_id": issuer_id,
        "email": data.email,
        "name": data.name,
        "did": data.did,
        "external_id": data.external_id,
        "preferred_language": getattr(data, "preferred_language", None),
    }


def _reconcile(learner: Learner, ref: LearnerFields) -> None:
    if ref.did and learner.did and ref.did != learner.did:
        raise Conflict(
            "this learner is recorded with a different DID; issue with learner_id or fix the "
            "learner record",
            errors=[field_error("/learner/did", "differs from the learner's recorded DID")],
        )
    for field in ("name", "did", "external_id", "preferred_language"):
        given = getattr(ref, field, None)
        if given and not getattr(learner, field):
            setattr(learner, field, given)
