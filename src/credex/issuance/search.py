"""Finding an issuer's credentials by learner, achievement, date and status (the console's
list and its CSV export), newest first, by page."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import Achievement, Credential, Learner
from credex.issuance.repository import credentials_visible_to


@dataclass(frozen=True)
class CredentialFilter:
    learner: str = ""  # part of the e-mail address or name
    achievement_id: uuid.UUID | None = None
    learner_id: uuid.UUID | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class CredentialRow:
    credential: Credential
    learner: Learner
    achievement: Achievement


def search_credentials(
    session: Session,
    principal: Principal,
    wanted: CredentialFilter,
    *,
    offset: int = 0,
    limit: int = 50,
) -> tuple[Sequence[CredentialRow], int]:
    """A page of matching credentials with their learner and achievement, and the total."""
    stmt = (
        credentials_visible_to(principal, None)
        .join(Learner, Learner.id == Credential.learner_id)
        .join(Achievement, Achievement.id == Credential.achievement_id)
    )
    if wanted.learner:
        pattern = "%" + wanted.learner.lower().replace("%", "").replace("_", "") + "%"
        stmt = stmt.where(
            or_(func.lower(Learner.email).like(pattern), func.lower(Learner.name).like(pattern))
        )
    if wanted.achievement_id is not None:
        stmt = stmt.where(Credential.achievement_id == wanted.achievement_id)
    if wanted.learner_id is not None:
        stmt = stmt.where(Credential.learner_id == wanted.learner_id)
    if wanted.status:
        stmt = stmt.where(Credential.status == wanted.status)
    if wanted.since is not None:
        stmt = stmt.where(Credential.created_at >= wanted.since)
    if wanted.until is not None:
        stmt = stmt.where(Credential.created_at < wanted.until)
    total = session.scalar(stmt.with_only_columns(func.count(Credential.id))) or 0
    rows = session.execute(
        stmt.add_columns(Learner, Achievement)
        .order_by(Credential.created_at.desc(), Credential.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [CredentialRow(row[0], row[1], row[2]) for row in rows], total
