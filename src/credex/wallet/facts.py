"""Plain display facts of a wallet credential, shared by the API, the PDF, the zip and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from credex.db.models import Achievement, Learner
from credex.verification.standing import Standing, standing_of_row
from credex.wallet.repository import WalletEntry
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


def entry_standing(entry: WalletEntry, now: datetime) -> Standing:
    """What a verifier would conclude today, in the words the credential page uses too:
    revocation first, then a revoked component, then the validity period, then the key."""
    credential = entry.credential
    return standing_of_row(
        revoked_at=(credential.revoked_at or now) if credential.status == "revoked" else None,
        public_reason=credential.revocation_public_reason,
        suspended=credential.status == "suspended",
        issuer_name=entry.issuer.name,
        revoked_components=entry.revoked_components,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        now=now,
        key_compromised=entry.key_compromised,
    )


def live_status(entry: WalletEntry, now: datetime) -> LiveStatus:
    state = entry_standing(entry, now).state
    return state if state != "no_status" else "active"  # type: ignore[return-value]


def learner_display_name(learner: Learner) -> str:
    """The name the issuer recorded, else the address (the certificate is the learner's own)."""
    return learner.name or learner.email


def as_float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None
