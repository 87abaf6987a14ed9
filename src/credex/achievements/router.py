"""`/api/v1/achievements`: issuers define EU micro-credential specifications.

Issuer tokens act for their own issuer; admin tokens for any (naming it with `issuer_id`).
Another issuer's achievements answer 404, learner tokens 403.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Body, Query

from credex.achievements import service
from credex.achievements.public import achievement_url
from credex.achievements.schemas import (
    AchievementCreate,
    AchievementRead,
    AchievementUpdate,
    ComplianceRead,
    NewVersionIn,
    Status,
)
from credex.core.credentials.microcredential import result_description_id
from credex.db.models import Achievement
from credex.deps import IssuerPrincipal, SessionDep, SettingsDep
from credex.pagination import CursorParam, LimitParam, Page

router = APIRouter(prefix="/api/v1/achievements", tags=["achievements"])


def to_read(achievement: Achievement, base_url: str) -> AchievementRead:
    public_url = achievement_url(achievement.id, base_url)
    return AchievementRead.model_validate(
        {
            **{column: getattr(achievement, column) for column in _COLUMNS},
            "public_url": public_url,
            "result_descriptions": [
                {"id": result_description_id(public_url, index), **scheme}
                for index, scheme in enumerate(achievement.result_descriptions, start=1)
            ],
        }
    )


_COLUMNS = tuple(
    name
    for name in AchievementRead.model_fields
    if name not in ("public_url", "result_descriptions")
)


@router.post("", status_code=201, summary="Create a draft achievement")
def create(
    data: AchievementCreate, session: SessionDep, principal: IssuerPrincipal, settings: SettingsDep
) -> AchievementRead:
    return to_read(service.create_achievement(session, principal, data), settings.base_url)


@router.get("", summary="List achievements (newest first)")
def list_all(
    *,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
    issuer_id: Annotated[uuid.UUID | None, Query(description="admins: one issuer's")] = None,
    status: Annotated[Status | None, Query()] = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[AchievementRead]:
    rows, next_cursor = service.list_achievements(
        session, principal, issuer_id=issuer_id, status=status, limit=limit, cursor=cursor
    )
    return Page(items=[to_read(row, settings.base_url) for row in rows], next=next_cursor)


@router.get("/{achievement_id}", summary="One achievement")
def read(
    achievement_id: uuid.UUID,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> AchievementRead:
    return to_read(service.get_achievement(session, principal, achievement_id), settings.base_url)


@router.patch("/{achievement_id}", summary="Edit a draft (published ones are immutable: 409)")
def update(
    achievement_id: uuid.UUID,
    data: AchievementUpdate,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> AchievementRead:
    achievement = service.update_achievement(session, principal, achievement_id, data)
    return to_read(achievement, settings.base_url)


@router.post("/{achievement_id}/publish", summary="Publish a draft (MicroCredential: Annex I)")
def publish(
    achievement_id: uuid.UUID,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> AchievementRead:
    achievement = service.publish_achievement(session, principal, achievement_id, settings.base_url)
    return to_read(achievement, settings.base_url)


@router.post("/{achievement_id}/retire", summary="Retire a published achievement")
def retire(
    achievement_id: uuid.UUID,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> AchievementRead:
    achievement = service.retire_achievement(session, principal, achievement_id)
    return to_read(achievement, settings.base_url)


@router.post("/{achievement_id}/versions", status_code=201, summary="Start a new draft version")
def new_version(
    achievement_id: uuid.UUID,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
    data: Annotated[NewVersionIn | None, Body()] = None,
) -> AchievementRead:
    draft = service.create_new_version(session, principal, achievement_id, data or NewVersionIn())
    return to_read(draft, settings.base_url)


@router.get("/{achievement_id}/compliance", summary="EU micro-credential (Annex I) element check")
def compliance(
    achievement_id: uuid.UUID,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> ComplianceRead:
    report = service.compliance_of(session, principal, achievement_id, settings.base_url)
    return ComplianceRead.model_validate(asdict(report))
