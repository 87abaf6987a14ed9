"""Pathway progress across issuers: the stacking rules of every issuer that knows the person."""

from __future__ import annotations

from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import Learner
from credex.settings import Settings
from credex.stacking.pathways import PathwayView, learner_pathways
from credex.wallet import repository


def person_pathways(
    session: Session, principal: Principal, settings: Settings
) -> list[PathwayView]:
    learner_ids = session.scalars(
        repository.learners_of_person(principal)
        .with_only_columns(Learner.id)
        .order_by(Learner.created_at)
    ).all()
    return learner_pathways(session, learner_ids, settings)
