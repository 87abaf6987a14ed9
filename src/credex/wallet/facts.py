"""Plain display facts of a wallet credential, shared by the API, the PDF, the zip and pages."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from credex import i18n
from credex.db.models import Achievement, Credential, Learner
from credex.i18n import N_
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


def achievement_facts(achievement: Achievement, language: str | None = None) -> AchievementFacts:
    """The achievement's texts in `language` (default: its own), its own language filling gaps."""
    lang = language or achievement.language
    outcomes = [
        localized(outcome.get("description"), lang, achievement.language)
        for outcome in achievement.learning_outcomes
        if isinstance(outcome, dict)
    ]
    hours = number_text(achievement.workload_hours)
    return AchievementFacts(
        title=localized(achievement.name, lang, achievement.language) or "Achievement",
        description=localized(achievement.description, lang, achievement.language),
        ects=number_text(achievement.ects_credits),
        workload=_hours(hours, language or i18n.DEFAULT_LANGUAGE) if hours else None,
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


def _hours(hours: str, language: str) -> str:
    labels = i18n.supported(language) or i18n.DEFAULT_LANGUAGE
    amount = i18n.format_number(hours, labels)
    return i18n.gettext(labels, N_("%(hours)s hours")) % {"hours": amount}


def issued_language(credential: Credential) -> str | None:
    """The language the credential was issued in: its Achievement's `inLanguage`, if stated."""
    document = credential.document
    if document is None and credential.format == "jwt":
        document = _jwt_payload(credential.content)
    if not isinstance(document, dict):
        return None
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    language = achievement.get("inLanguage") if isinstance(achievement, dict) else None
    return language if isinstance(language, str) else None


def _jwt_payload(token: str) -> dict[str, Any] | None:
    """The payload of our own stored VC-JWT (already verified at issuance; only read here)."""
    try:
        part = token.split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        return None
    if isinstance(payload, dict) and isinstance(payload.get("vc"), dict):
        return dict(payload["vc"])
    return payload if isinstance(payload, dict) else None
