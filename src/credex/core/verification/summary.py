"""What a person reading a verification result wants to know about a credential, in plain values.

Pulls the issuer, the learner, the achievement and the EU micro-credential facts (EQF level, ECTS,
workload) out of the many shapes they take: OB 3.0 (`creditsAvailable`, an EQF `Alignment`),
credex's context terms (`eqfLevel`, `ectsCredits`, `notionalWorkloadHours`), the SURF Edubadges
extension (`ECTS`, `ext:EQF` alignments, `timeInvestment`) and ELM v3 (`hasClaim`, `eqfLevel`
concepts, `creditPoint`). Never raises: a value that is missing or unreadable is simply None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_EQF_URL = re.compile(r"^https?://data\.europa\.eu/snb/eqf/([1-8])$")
_EQF_NAME = re.compile(r"\bEQF\b[^0-9]*([1-8])\b", re.IGNORECASE)
_PREFERRED_LANGUAGES = ("en", "en-GB", "en-US", "en-EN")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_of(value: Any) -> str | None:
    """A display string from a plain string, language value object(s) or a language map."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        texts = [(_language_of(item), text_of(item)) for item in value]
        return _preferred([(lang, text) for lang, text in texts if text])
    if isinstance(value, Mapping):
        if "@value" in value:
            return text_of(value["@value"])
        pairs = [(str(lang), text_of(text)) for lang, text in value.items()]
        return _preferred([(lang, text) for lang, text in pairs if text])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _language_of(item: Any) -> str:
    return str(item.get("@language", "")) if isinstance(item, Mapping) else ""


def _preferred(pairs: list[tuple[str, str | None]]) -> str | None:
    for language in _PREFERRED_LANGUAGES:
        for lang, text in pairs:
            if lang == language:
                return text
    return pairs[0][1] if pairs else None


def _first_subject(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = next(iter(as_list(credential.get("credentialSubject"))), None)
    return subject if isinstance(subject, Mapping) else {}


def _image_url(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def issuer_summary(credential: Mapping[str, Any]) -> dict[str, Any]:
    issuer = credential.get("issuer")
    if isinstance(issuer, str):
        return {"id": issuer, "name": None, "url": None, "image": None, "country": None}
    issuer = issuer if isinstance(issuer, Mapping) else {}
    address = issuer.get("address")
    country = address.get("addressCountryCode") if isinstance(address, Mapping) else None
    return {
        "id": issuer.get("id") if isinstance(issuer.get("id"), str) else None,
        "name": text_of(issuer.get("name")) or text_of(issuer.get("legalName")),
        "url": issuer.get("url") if isinstance(issuer.get("url"), str) else None,
        "image": _image_url(issuer.get("image")),
        "country": country if isinstance(country, str) else None,
    }


def learner_name(subject: Mapping[str, Any]) -> str | None:
    """The learner's name when the credential states it in the clear (never a hashed value)."""
    name = text_of(subject.get("name"))
    if name:
        return name
    parts = [text_of(subject.get(key)) for key in ("givenName", "familyName")]
    if any(parts):
        return " ".join(part for part in parts if part)
    for identity in as_list(subject.get("identifier")):
        if (
            isinstance(identity, Mapping)
            and identity.get("identityType") == "name"
            and identity.get("hashed") is False
        ):
            return text_of(identity.get("identityHash"))
    return None


def _achievement(subject: Mapping[str, Any]) -> Mapping[str, Any]:
    achievement = subject.get("achievement")
    if isinstance(achievement, Mapping):
        return achievement
    claim = next(iter(as_list(subject.get("hasClaim"))), None)  # ELM v3
    if isinstance(claim, Mapping):
        specified = claim.get("specifiedBy")
        merged = dict(specified) if isinstance(specified, Mapping) else {}
        merged.setdefault("title", claim.get("title"))
        return merged
    return {}


def eqf_level(achievement: Mapping[str, Any]) -> int | None:
    """credex `eqfLevel`, an ELM `eqfLevel` concept, or an EQF alignment (EU URI or ext:EQF)."""
    level = _eqf_from(achievement.get("eqfLevel"))
    if level is not None:
        return level
    for alignment in as_list(achievement.get("alignment")):
        if not isinstance(alignment, Mapping):
            continue
        level = _eqf_from(alignment.get("targetUrl"))
        is_eqf = alignment.get("targetType") == "ext:EQF" or "European Qualifications" in str(
            alignment.get("targetFramework", "")
        )
        if level is None and is_eqf:
            level = _eqf_from(alignment.get("targetCode")) or _eqf_name(alignment)
        if level is not None:
            return level
    return None


def national_level(achievement: Mapping[str, Any]) -> str | None:
    """The name of an `ext:NQF` alignment, e.g. "France: niveau 5" (credex, OB 3.0 Alignment)."""
    for alignment in as_list(achievement.get("alignment")):
        if isinstance(alignment, dict) and alignment.get("targetType") == "ext:NQF":
            return text_of(alignment.get("targetName"))
    return None


def level_text(eqf: int | None, national: str | None) -> str | None:
    """How reports and pages state the level: "EQF 5 (France: niveau 5)"."""
    if eqf is None:
        return national
    return f"EQF {eqf} ({national})" if national else f"EQF {eqf}"


def _eqf_from(value: Any) -> int | None:
    if isinstance(value, Mapping):
        value = value.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 8 else None
    if isinstance(value, str):
        match = _EQF_URL.match(value.strip())
        if match:
            return int(match.group(1))
        if value.strip().isdigit() and 1 <= int(value) <= 8:
            return int(value)
    return None


def _eqf_name(alignment: Mapping[str, Any]) -> int | None:
    match = _EQF_NAME.search(str(alignment.get("targetName", "")))
    return int(match.group(1)) if match else None


def ects_credits(achievement: Mapping[str, Any]) -> str | None:
    for key in ("ectsCredits", "ECTS", "creditsAvailable"):
        value = achievement.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float | str) and str(value).strip():
            return _number_text(value)
    credit = next(iter(as_list(achievement.get("creditPoint"))), None)  # ELM v3
    if isinstance(credit, Mapping) and credit.get("point") is not None:
        return _number_text(credit["point"])
    return None


def workload(achievement: Mapping[str, Any]) -> str | None:
    hours = achievement.get("notionalWorkloadHours")
    if isinstance(hours, int | float | str) and not isinstance(hours, bool) and str(hours):
        return f"{_number_text(hours)} hours"
    for key in ("timeInvestment", "volumeOfLearning"):
        text = text_of(achievement.get(key))
        if text:
            return text
    return None


def _number_text(value: Any) -> str:
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text


def summarize_credential(credential: Mapping[str, Any]) -> dict[str, Any]:
    """Plain display values; keys are always present (None when the credential does not say)."""
    subject = _first_subject(credential)
    achievement = _achievement(subject)
    version_2 = "validFrom" in credential or "issuanceDate" not in credential
    return {
        "id": credential.get("id") if isinstance(credential.get("id"), str) else None,
        "name": text_of(credential.get("name")),
        "types": [t for t in as_list(credential.get("type")) if isinstance(t, str)],
        "issuer": issuer_summary(credential),
        "learner": {
            "id": subject.get("id") if isinstance(subject.get("id"), str) else None,
            "name": learner_name(subject),
        },
        "achievement": {
            "id": achievement.get("id") if isinstance(achievement.get("id"), str) else None,
            "name": text_of(achievement.get("name")) or text_of(achievement.get("title")),
            "description": text_of(achievement.get("description")),
            "type": text_of(achievement.get("achievementType")),
            "image": _image_url(achievement.get("image")),
        },
        "eqf_level": eqf_level(achievement),
        "national_level": national_level(achievement),
        "level": level_text(eqf_level(achievement), national_level(achievement)),
        "ects": ects_credits(achievement),
        "workload": workload(achievement),
        "valid_from": text_of(credential.get("validFrom" if version_2 else "issuanceDate")),
        "valid_until": text_of(credential.get("validUntil") or credential.get("expirationDate")),
        "awarded": text_of(credential.get("awardedDate")),
    }
