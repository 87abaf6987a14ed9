"""Plain display facts of a wallet credential, shared by the API, the PDF, the zip and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from credex.db.models import Achievement, Credential, Learner
from credex.wallet.schemas import LiveStatus
from credex.web.templating import localized


@dataclass(frozen=True)
class AchievementFacts:
    title: str
    description: str
    ects: str | None
    workload: str | None
    learning_outcomes: list[str]


def number_text(value: Decimal | None) -> str | None:
    """`2.00` → `2`, `2.50` → `2.5`: how people write credits and hours."""
    if value is None:
        return None
    return format(value.normalize(), "f")


def achievement_facts(achievement: Achievement) -> AchievementFacts:
    lang = achievement.language
    outcomes = [
        localized(outcome.get("description"), lang)
        for outcome in achievement.learning_outcomes
        if isinstance(outcome, dict)
    ]
    hours = number_text(achievement.workload_hours)
    return AchievementFacts(
        title=localized(achievement.name, lang) or "Achievement",
        description=localized(achievement.description, lang),
        ects=number_text(achievement.ects_credits),
        workload=f"{hours} hours" if hours else None,
        learning_outcomes=[text for text in outcomes if text],
    )


def live_status(credential: Credential, now: datetime) -> LiveStatus:
    """What a verifier would conclude today: revocation first, then the validity period."""
    if credential.status in ("revoked", "suspended"):
        return "revoked" if credential.status == "revoked" else "suspended"
    if credential.valid_until is not None and credential.valid_until <= now:
        return "expired"
    if credential.valid_from > now:
        return "not_yet_valid"
    return "active"


def learner_display_name(learner: Learner) -> str:
    """The name the issuer recorded, else the address (the certificate is the learner's own)."""
    return learner.name or learner.email


def as_float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
