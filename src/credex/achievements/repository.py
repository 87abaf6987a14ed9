"""Queries for achievements. Every tenant query starts from `achievements_visible_to`.

Isolation lives here: an issuer token sees its own issuer's achievements, admins see all (or one
issuer's, when they pass `issuer_id`), anyone else nothing. Callers turn "not visible" into 404,
so another tenant's ids are never confirmed.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.db.models import Achievement, Competency, Framework

# Frameworks whose competencies may be referenced: published ones are immutable, and retired
# ones stay valid so existing references (and credentials) keep meaning what they meant.
REFERENCEABLE_FRAMEWORK_STATUSES = ("published", "retired")
PUBLIC_STATUSES = ("published", "retired")


def achievements_visible_to(
    principal: Principal, issuer_id: uuid.UUID | None = None
) -> Select[Achievement]:
    stmt = select(Achievement)
    if principal.is_admin:
        return stmt if issuer_id is None else stmt.where(Achievement.issuer_id == issuer_id)
    if principal.role == "issuer" and principal.issuer_id is not None:
        if issuer_id is not None and issuer_id != principal.issuer_id:
            return stmt.where(false())
        return stmt.where(Achievement.issuer_id == principal.issuer_id)
    return stmt.where(false())


def find_visible_achievement(
    session: Session, principal: Principal, achievement_id: uuid.UUID, *, for_update: bool = False
) -> Achievement | None:
    """`for_update` serializes state changes (publish, new version) on PostgreSQL."""
    stmt = achievements_visible_to(principal).where(Achievement.id == achievement_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def find_public_achievement(session: Session, achievement_id: uuid.UUID) -> Achievement | None:
    """Unscoped, for the public document: only what has been published (or since retired)."""
    return session.scalar(
        select(Achievement).where(
            Achievement.id == achievement_id, Achievement.status.in_(PUBLIC_STATUSES)
        )
    )


def published_achievements_of_issuer(session: Session, issuer_id: uuid.UUID) -> list[Achievement]:
    """What an issuer currently offers (drafts are private; retired ones are no longer offered)."""
    return list(
        session.scalars(
            select(Achievement)
            .where(Achievement.issuer_id == issuer_id, Achievement.status == "published")
            .order_by(Achievement.published_at.desc(), Achievement.id)
        )
    )


def public_successor(session: Session, achievement_id: uuid.UUID) -> Achievement | None:
    """The next version of an achievement, once it is public (a draft successor stays hidden)."""
    return session.scalar(
        select(Achievement).where(
            Achievement.previous_version_id == achievement_id,
            Achievement.status.in_(PUBLIC_STATUSES),
        )
    )


def achievements_of_issuer(
    session: Session, issuer_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Achievement]:
    """The given achievements that belong to `issuer_id` (others are simply absent)."""
    if not ids:
        return {}
    rows = session.scalars(
        select(Achievement).where(Achievement.issuer_id == issuer_id, Achievement.id.in_(ids))
    ).all()
    return {row.id: row for row in rows}


def draft_successor(session: Session, achievement_id: uuid.UUID) -> Achievement | None:
    return session.scalar(
        select(Achievement).where(
            Achievement.previous_version_id == achievement_id, Achievement.status == "draft"
        )
    )


def competencies_with_frameworks(
    session: Session, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[Competency, Framework]]:
    """Competencies (any framework status) with their framework, in one query."""
    if not ids:
        return {}
    rows = session.execute(
        select(Competency, Framework)
        .join(Framework, Competency.framework_id == Framework.id)
        .where(Competency.id.in_(ids))
    ).all()
    return {competency.id: (competency, framework) for competency, framework in rows}


def competencies_by_esco_uri(session: Session, uris: Collection[str]) -> dict[str, Competency]:
    """A referenceable competency per ESCO URI, to give ESCO alignments a human name."""
    if not uris:
        return {}
    rows = session.scalars(
        select(Competency)
        .join(Framework, Competency.framework_id == Framework.id)
        .where(
            Competency.esco_uri.in_(uris),
            Framework.status.in_(REFERENCEABLE_FRAMEWORK_STATUSES),
        )
        .order_by(Competency.created_at)
    ).all()
    found: dict[str, Competency] = {}
    for row in rows:
        if row.esco_uri is not None:
            found.setdefault(row.esco_uri, row)
    return found
