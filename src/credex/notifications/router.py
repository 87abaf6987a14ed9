"""Unsubscribe pages (and RFC 8058 one-click POST), and the achievement's notification switch."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from credex.achievements.router import to_read
from credex.achievements.schemas import AchievementRead
from credex.achievements.service import get_achievement
from credex.db.base import utcnow
from credex.db.models import Issuer, Learner
from credex.deps import IssuerPrincipal, SessionDep, SettingsDep
from credex.notifications.unsubscribe import UNSUBSCRIBE_PATH, token_matches
from credex.settings import Settings
from credex.web.templating import PageError, PageRoute, render

pages = APIRouter(prefix=UNSUBSCRIBE_PATH, route_class=PageRoute, include_in_schema=False)
api = APIRouter(prefix="/api/v1/achievements", tags=["achievements"])


class NotificationSwitch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notify_learners: bool


@api.put(
    "/{achievement_id}/notifications",
    summary="Mail learners when this achievement is awarded, or not (any status)",
)
def switch(
    achievement_id: uuid.UUID,
    data: NotificationSwitch,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> AchievementRead:
    achievement = get_achievement(session, principal, achievement_id, for_update=True)
    achievement.notify_learners = data.notify_learners
    session.flush()
    return to_read(achievement, settings.base_url)


def _learner(session: Session, settings: Settings, learner_id: uuid.UUID, token: str) -> Learner:
    learner = session.get(Learner, learner_id)
    if learner is None or not token_matches(settings, learner_id, token):
        raise PageError(404, "Link not valid", "This unsubscribe link is not valid.")
    return learner


@pages.get("/{learner_id}/{token}")
def ask(
    learner_id: uuid.UUID, token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    learner = _learner(session, settings, learner_id, token)
    issuer = session.get(Issuer, learner.issuer_id)
    return render(
        request,
        "notifications/unsubscribe.html",
        title="Unsubscribe",
        issuer=issuer,
        done=learner.unsubscribed_at is not None,
    )


@pages.post("/{learner_id}/{token}")
def unsubscribe(
    learner_id: uuid.UUID, token: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    learner = _learner(session, settings, learner_id, token)
    if learner.unsubscribed_at is None:
        learner.unsubscribed_at = utcnow()
    issuer = session.get(Issuer, learner.issuer_id)
    return render(
        request, "notifications/unsubscribe.html", title="Unsubscribed", issuer=issuer, done=True
    )
