"""Queries for stacking. Rules start from `rules_visible_to` (requests) or `rules_of_issuer`
(evaluation, already authorised); everything else is reached through a rule, a learner or a
credential the caller was shown, so isolation lives in those helpers. Callers turn "not
visible" into 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import (
    Achievement,
    Award,
    AwardComponent,
    Competency,
    Credential,
    ExternalCredential,
    Learner,
    PathwayShare,
    StackingRule,
)
from credex.issuance.sql import insert_unless_conflict


def rules_visible_to(
    principal: Principal, issuer_id: uuid.UUID | None = None
) -> Select[StackingRule]:
    stmt = select(StackingRule)
    if principal.is_admin:
        return stmt if issuer_id is None else stmt.where(StackingRule.issuer_id == issuer_id)
    if principal.role == "issuer" and principal.issuer_id is not None:
        if issuer_id is not None and issuer_id != principal.issuer_id:
            return stmt.where(false())
        return stmt.where(StackingRule.issuer_id == principal.issuer_id)
    return stmt.where(false())


def rules_of_issuer(issuer_id: uuid.UUID) -> Select[StackingRule]:
    return select(StackingRule).where(StackingRule.issuer_id == issuer_id)


def find_visible_rule(
    session: Session, principal: Principal, rule_id: uuid.UUID, *, for_update: bool = False
) -> StackingRule | None:
    stmt = rules_visible_to(principal).where(StackingRule.id == rule_id)
    return session.scalar(stmt.with_for_update() if for_update else stmt)


def issuer_rules(
    session: Session, issuer_id: uuid.UUID, *, active_only: bool = False
) -> Sequence[StackingRule]:
    stmt = rules_of_issuer(issuer_id).order_by(StackingRule.created_at, StackingRule.id)
    if active_only:
        stmt = stmt.where(StackingRule.active.is_(True))
    return session.scalars(stmt).all()


def insert_rule(session: Session, values: dict[str, Any]) -> StackingRule | None:
    """The new rule, or None when its target already has one."""
    return insert_unless_conflict(session, StackingRule, {"id": uuid.uuid4(), **values})


def rule_for_target(session: Session, target_id: uuid.UUID) -> StackingRule | None:
    return session.scalar(
        select(StackingRule).where(StackingRule.target_achievement_id == target_id)
    )


def count_awards(session: Session, rule_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(Award).where(Award.rule_id == rule_id)
    return int(session.scalar(stmt) or 0)


def achievements_by_id(
    session: Session, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Achievement]:
    """Achievements of any issuer, by id; callers decide what the caller may see."""
    if not ids:
        return {}
    rows = session.scalars(select(Achievement).where(Achievement.id.in_(ids))).all()
    return {row.id: row for row in rows}


def lock_learner(session: Session, issuer_id: uuid.UUID, learner_id: uuid.UUID) -> Learner | None:
    """The issuer's learner, row-locked: evaluations for one learner run one at a time, so two
    issuances that each complete a rule cannot both miss (or both take) the award.

    `FOR NO KEY UPDATE`, not `FOR UPDATE`: inserting a credential takes `FOR KEY SHARE` on its
    learner (the foreign key), which `FOR UPDATE` would wait for, deadlocking two issuances.
    """
    stmt = select(Learner).where(Learner.id == learner_id, Learner.issuer_id == issuer_id)
    return session.scalar(stmt.with_for_update(key_share=True))


def lock_learners(
    session: Session, issuer_id: uuid.UUID, learner_ids: Collection[uuid.UUID]
) -> None:
    """`lock_learner` for several learners in one statement, in id order (a fixed order, so
    two transactions locking overlapping sets wait for each other instead of deadlocking)."""
    stmt = (
        select(Learner.id)
        .where(Learner.issuer_id == issuer_id, Learner.id.in_(learner_ids))
        .order_by(Learner.id)
        .with_for_update(key_share=True)
    )
    session.execute(stmt).all()


def learner_credentials(
    session: Session, issuer_id: uuid.UUID, learner_ids: Collection[uuid.UUID]
) -> Sequence[tuple[Credential, Achievement]]:
    """The learners' active credentials from `issuer_id`, with their achievements."""
    if not learner_ids:
        return []
    rows = session.execute(
        select(Credential, Achievement)
        .join(Achievement, Achievement.id == Credential.achievement_id)
        .where(
            Credential.issuer_id == issuer_id,
            Credential.learner_id.in_(learner_ids),
            Credential.status == "active",
        )
        .order_by(Credential.created_at)
    ).all()
    return [(credential, achievement) for credential, achievement in rows]


def competencies(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Competency]:
    if not ids:
        return {}
    rows = session.scalars(select(Competency).where(Competency.id.in_(ids))).all()
    return {row.id: row for row in rows}


def learner_externals(
    session: Session, learner_ids: Collection[uuid.UUID]
) -> Sequence[ExternalCredential]:
    if not learner_ids:
        return []
    stmt = select(ExternalCredential).where(ExternalCredential.learner_id.in_(learner_ids))
    return session.scalars(stmt.order_by(ExternalCredential.created_at)).all()


def external_by_digest(
    session: Session, learner_id: uuid.UUID, digest: str
) -> ExternalCredential | None:
    return session.scalar(
        select(ExternalCredential).where(
            ExternalCredential.learner_id == learner_id, ExternalCredential.digest == digest
        )
    )


def insert_external(session: Session, values: dict[str, Any]) -> ExternalCredential | None:
    return insert_unless_conflict(session, ExternalCredential, {"id": uuid.uuid4(), **values})


def learner_awards(session: Session, learner_ids: Collection[uuid.UUID]) -> Sequence[Award]:
    if not learner_ids:
        return []
    return session.scalars(select(Award).where(Award.learner_id.in_(learner_ids))).all()


def claim_award(session: Session, values: dict[str, Any]) -> Award | None:
    """Insert the (rule, learner) award row, or None when it exists (or a concurrent
    transaction just inserted it: PostgreSQL waits for that one to commit, then says so)."""
    return insert_unless_conflict(session, Award, {"id": uuid.uuid4(), **values})


def award_components(
    session: Session, award_ids: Collection[uuid.UUID]
) -> Sequence[tuple[AwardComponent, str | None]]:
    """Components of the awards, with the current status of those that are our credentials."""
    if not award_ids:
        return []
    rows = session.execute(
        select(AwardComponent, Credential.status)
        .outerjoin(Credential, Credential.id == AwardComponent.credential_id)
        .where(AwardComponent.award_id.in_(award_ids))
        .order_by(AwardComponent.award_id, AwardComponent.position)
    ).all()
    return [(component, status) for component, status in rows]


def stacked_using(credential_id: uuid.UUID) -> Select[Award]:
    """Awards whose stacked credential lists `credential_id` (the caller checked visibility)."""
    listed = select(AwardComponent.award_id).where(AwardComponent.credential_id == credential_id)
    return select(Award).where(Award.id.in_(listed), Award.credential_id.is_not(None))


def credentials_by_id(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Credential]:
    if not ids:
        return {}
    rows = session.scalars(select(Credential).where(Credential.id.in_(ids))).all()
    return {row.id: row for row in rows}


def share_for_learner(session: Session, learner_id: uuid.UUID) -> PathwayShare | None:
    return session.scalar(select(PathwayShare).where(PathwayShare.learner_id == learner_id))


def share_by_token_hash(session: Session, token_hash: str) -> PathwayShare | None:
    return session.scalar(select(PathwayShare).where(PathwayShare.token_hash == token_hash))
