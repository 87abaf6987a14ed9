"""What happens after issuance, behind a small interface so issuance depends on nothing above it.

Issuing a credential may complete a stacking pathway, and the stacked credential is then
awarded in the same transaction. Stacking builds on issuance (it issues the award with
issuance's document builder), so issuance cannot import stacking without a circle. Instead,
issuance calls every `AfterIssuance` registered here, and `credex.stacking.pathways` registers
its evaluator when it is imported (the app factory and `credex demo` import it; the job worker
runs inside the app).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from credex.db.models import Achievement, Credential
from credex.settings import Settings


class AfterIssuance(Protocol):
    """Called in the issuing transaction with the (credential, achievement) pairs just issued;
    `new_learners` are the learner records that transaction created."""

    def __call__(
        self,
        session: Session,
        issuer_id: uuid.UUID,
        issued: Sequence[tuple[Credential, Achievement]],
        new_learners: Collection[uuid.UUID],
        settings: Settings,
        *,
        actor: str,
    ) -> object: ...


_followups: list[AfterIssuance] = []


def register_followup(followup: AfterIssuance) -> None:
    """Add `followup` once (registering the same function again changes nothing)."""
    if followup not in _followups:
        _followups.append(followup)


def after_issuance(
    session: Session,
    issuer_id: uuid.UUID,
    issued: Sequence[tuple[Credential, Achievement]],
    new_learners: Collection[uuid.UUID],
    settings: Settings,
    *,
    actor: str,
) -> None:
    """Run every registered follow-up, in registration order, in the caller's transaction."""
    for followup in _followups:
        followup(session, issuer_id, issued, new_learners, settings, actor=actor)
