"""The claims of each SD-JWT VC type, read from the stored OB 3.0 credential (the record).

The record is what was signed at issuance (achievement as it was then, issuer profile, result,
validity); the learner's name and identification, which the OB credential carries only as a
hashed e-mail, come from the learner record: the SD-JWT VC is delivered to the learner's own
wallet and those claims are selectively disclosable (`sd: "always"` in the EUDI type).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from credex.core.datetimes import parse_datetime_stamp
from credex.core.jose import b64url_decode, parse_json_object
from credex.core.jwt_sign import credential_from_payload
from credex.db.models import Credential

RECORD_ONLY = ("@context", "id", "proof", "credentialStatus", "credentialSchema")
"""OB 3.0 members that have no place in the SD-JWT VC: JSON-LD, the Data Integrity proof, the
Bitstring entry (the SD-JWT VC has its own `status`), the JSON Schema; `id` becomes `jti`."""


def issued_document(credential: Credential) -> dict[str, Any]:
    """The OB 3.0 credential the row stores: the JSON (ldp) or the VC-JWT's credential."""
    if credential.format == "ldp":
        document: dict[str, Any] = json.loads(credential.content)
        return document
    payload = parse_json_object(b64url_decode(credential.content.split(".")[1]), "the VC-JWT")
    return credential_from_payload(payload)


@dataclass(frozen=True)
class Learner:
    name: str | None
    identification: str  # the learner's external id (student number) or e-mail


def _date(value: Any) -> str | None:
    """`YYYY-MM-DD` (ISO_LOCAL_DATE, UTC) of an XSD dateTimeStamp."""
    if not isinstance(value, str):
        return None
    return parse_datetime_stamp(value).date().isoformat()


def _split_name(name: str | None) -> tuple[str | None, str | None]:
    """(given, family): the last word is taken as the family name (the learner record has one
    name field); a one-word name is a family name."""
    words = (name or "").split()
    if not words:
        return None, None
    return (" ".join(words[:-1]) or None), words[-1]


def _country(document: Mapping[str, Any], fallback: str | None) -> str | None:
    issuer = document.get("issuer")
    achievement = document.get("credentialSubject", {}).get("achievement", {})
    for profile in (issuer, achievement.get("creator")):
        if isinstance(profile, Mapping):
            address = profile.get("address")
            if isinstance(address, Mapping) and address.get("addressCountryCode"):
                return str(address["addressCountryCode"])
    return fallback


def _grade(subject: Mapping[str, Any]) -> str | None:
    for result in subject.get("result") or []:
        if isinstance(result, Mapping) and result.get("value") is not None:
            return str(result["value"])
    return None


def learning_credential_claims(
    document: Mapping[str, Any], learner: Learner, issuer_country: str | None
) -> dict[str, Any]:
    """EUDI Learning Credential claims (type metadata `learning_credential.json`); absent facts
    are left out, so the caller can name the missing mandatory ones."""
    subject = document.get("credentialSubject", {})
    achievement = subject.get("achievement", {})
    issuer = document.get("issuer")
    given, family = _split_name(learner.name)
    outcomes = [
        str(outcome["description"])
        for outcome in achievement.get("learningOutcome") or []
        if isinstance(outcome, Mapping) and outcome.get("description")
    ]
    hours = achievement.get("notionalWorkloadHours")
    quality = achievement.get("qualityAssurance")
    claims: dict[str, Any] = {
        "issuing_authority": issuer.get("name") if isinstance(issuer, Mapping) else None,
        "issuing_country": _country(document, issuer_country),
        "date_of_issuance": _date(document.get("validFrom")),
        "date_of_expiry": _date(document.get("validUntil")),
        "family_name": family,
        "given_name": given,
        "achievement_title": achievement.get("name"),
        "achievement_description": achievement.get("description"),
        "learning_outcomes": outcomes or None,
        "assessment_grade": _grade(subject),
        "language_of_classes": [achievement["inLanguage"]]
        if achievement.get("inLanguage")
        else None,
        "learner_identification": learner.identification,
        "expected_study_time": f"{hours} hours" if hours else None,
        "level_of_learning_experience": achievement.get("eqfLevel"),
        "types_of_quality_assurance": (
            [quality["assuranceType"]]
            if isinstance(quality, Mapping) and quality.get("assuranceType")
            else None
        ),
        "prerequisites_to_enroll": (
            [achievement["prerequisites"]] if achievement.get("prerequisites") else None
        ),
        "integration_stackability_options": (
            achievement["stackability"] == "stackable" if achievement.get("stackability") else None
        ),
    }
    return {name: value for name, value in claims.items() if value is not None}


def micro_credential_claims(document: Mapping[str, Any]) -> dict[str, Any]:
    """The OB 3.0 credential as SD-JWT VC claims (DC4EU `urn:eudi:micro_credential:1`): every
    OB member but JSON-LD and proof machinery, plus the type's own names where OB has none
    (`achievement.ECTS`, `achievement.participationType`) and the issuer's country."""
    claims = {name: value for name, value in document.items() if name not in RECORD_ONLY}
    subject = dict(claims.get("credentialSubject", {}))
    achievement = dict(subject.get("achievement", {}))
    ects = achievement.get("ectsCredits")
    if ects is not None:
        achievement["ECTS"] = float(ects) if "." in str(ects) else int(ects)
    if achievement.get("participationForm"):
        achievement["participationType"] = achievement["participationForm"]
    subject["achievement"] = achievement
    claims["credentialSubject"] = subject
    issuer = claims.get("issuer")
    country = _country(document, None)
    if isinstance(issuer, Mapping) and country and "address" not in issuer:
        claims["issuer"] = {**issuer, "address": {"addressCountryCode": country}}
    return claims
