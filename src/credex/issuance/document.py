"""Building the unsigned OB 3.0 `OpenBadgeCredential` for one award, as a plain dict.

Hot path, so no models and no JSON Schema here: the dict is assembled directly from values that
were validated on the way in (request schema, stored achievement), and the tests run what this
produces through the official OB JSON Schema and the verifier. The embedded Achievement is the
public one (`achievement_document`), rendered once per (achievement, issuer) version and kept
as JSON text in a small LRU, so each issuance gets a fresh copy without re-querying.
"""

from __future__ import annotations

import calendar
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from credex.achievements.public import achievement_document
from credex.caching import ExpiringLRU
from credex.core.credentials.builders import credential_contexts
from credex.core.credentials.identity import email_identity_object
from credex.core.credentials.lexical import format_date_time
from credex.core.credentials.vocab import ACHIEVEMENT_CREDENTIAL_SCHEMA, OB_SCHEMA_VALIDATOR_TYPE
from credex.core.credex_context import register_credex_context
from credex.db.models import Achievement, Issuer

CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
ACHIEVEMENT_CACHE_SIZE = 256
ACHIEVEMENT_CACHE_TTL_SECONDS = 300.0
# Profile properties whose values are blank nodes (objects without an `id`).
_BLANK_NODE_PROFILE_TERMS = ("address", "otherIdentifier")


def credential_url(credential_id: uuid.UUID, base_url: str) -> str:
    return f"{base_url}/credentials/{credential_id}"


def credential_issuer(profile: dict[str, Any]) -> dict[str, Any]:
    """The issuer Profile as embedded at the top of a credential: without address/otherIdentifier.

    The complete Profile (address with the Annex I country, other identifiers) is embedded once,
    as `credentialSubject.achievement.creator`, with the same `id`. Repeating its blank-node
    objects under the same issuer node would give RDFC-1.0 two indistinguishable blank nodes
    and push every signature onto the slow N-degree path (measured: ~28 ms instead of ~3 ms per
    eddsa-rdfc-2022 signature), while adding no information to the signed graph.
    """
    return {key: value for key, value in profile.items() if key not in _BLANK_NODE_PROFILE_TERMS}


def to_second(value: datetime) -> datetime:
    """UTC, whole seconds: what DateTimeZ values in credentials carry."""
    return value.astimezone(UTC).replace(microsecond=0)


def add_months(value: datetime, months: int) -> datetime:
    """Calendar months later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


@dataclass
class CredentialFacts:
    """Everything one credential says, resolved and validated."""

    credential_id: uuid.UUID
    base_url: str
    issuer_profile: dict[str, Any]
    achievement: dict[str, Any]
    email: str
    subject_did: str | None
    valid_from: datetime
    valid_until: datetime | None
    awarded_date: datetime
    status_entry: dict[str, Any]
    result: dict[str, Any] | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    endorsements: list[dict[str, Any]] = field(default_factory=list)  # signed, as published
    narrative: str | None = None
    activity_start: datetime | None = None
    activity_end: datetime | None = None


def build_credential(facts: CredentialFacts) -> dict[str, Any]:
    """The unsigned credential; a fresh salt is drawn for the recipient's e-mail hash."""
    subject: dict[str, Any] = {}
    if facts.subject_did:
        subject["id"] = facts.subject_did
    subject["type"] = ["AchievementSubject"]
    subject["identifier"] = [email_identity_object(facts.email)]
    subject["achievement"] = facts.achievement
    if facts.result:
        subject["result"] = [facts.result]
    if facts.activity_start:
        subject["activityStartDate"] = format_date_time(to_second(facts.activity_start))
    if facts.activity_end:
        subject["activityEndDate"] = format_date_time(to_second(facts.activity_end))
    if facts.narrative:
        subject["narrative"] = facts.narrative
    credential: dict[str, Any] = {
        "@context": credential_contexts(
            [register_credex_context(facts.base_url)], with_extensions=True
        ),
        "id": credential_url(facts.credential_id, facts.base_url),
        "type": list(CREDENTIAL_TYPE),
        "issuer": facts.issuer_profile,
        "name": facts.achievement["name"],
        "validFrom": format_date_time(facts.valid_from),
    }
    if facts.valid_until is not None:
        credential["validUntil"] = format_date_time(facts.valid_until)
    credential["awardedDate"] = format_date_time(facts.awarded_date)
    credential["credentialSubject"] = subject
    if facts.evidence:
        credential["evidence"] = facts.evidence
    if facts.endorsements:
        credential["endorsement"] = facts.endorsements
    credential["credentialSchema"] = [
        {"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": OB_SCHEMA_VALIDATOR_TYPE}
    ]
    credential["credentialStatus"] = facts.status_entry
    return credential


def evidence_json(fields: dict[str, Any]) -> dict[str, Any]:
    """An OB `Evidence` object: `id` first, then its type, then the given descriptive fields."""
    evidence: dict[str, Any] = {"id": fields["id"]} if "id" in fields else {}
    evidence["type"] = ["Evidence"]
    evidence.update((key, value) for key, value in fields.items() if key != "id")
    return evidence


_CacheKey = tuple[uuid.UUID, datetime, uuid.UUID, datetime, str, str | None]


# Rendered Achievement JSON text, keyed by what the rendering reads. Published achievements
# are immutable and may reference only published (immutable) frameworks; the issuer's
# `updated_at` covers the embedded creator Profile and default QA. The TTL bounds the one thing
# the key cannot see: an ESCO skill's display name, which a framework published later may supply.
_achievements: ExpiringLRU[_CacheKey, str] = ExpiringLRU(ACHIEVEMENT_CACHE_SIZE)


def embedded_achievement(
    session: Session,
    achievement: Achievement,
    issuer: Issuer,
    base_url: str,
    language: str | None = None,
) -> dict[str, Any]:
    """A private copy of the Achievement JSON as embedded in credentials (in `language`)."""
    key = (achievement.id, achievement.updated_at, issuer.id, issuer.updated_at, base_url, language)
    text = _achievements.get(key)
    if text is None:
        rendered = achievement_document(
            session, achievement, base_url, embedded=True, language=language
        )
        text = json.dumps(rendered)
        _achievements.put(key, text, ACHIEVEMENT_CACHE_TTL_SECONDS)
    document: dict[str, Any] = json.loads(text)
    return document


def clear_achievement_cache() -> None:
    _achievements.clear()
