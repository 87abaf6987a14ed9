"""The facts of one ELM credential, read from the same record as its OB 3.0 credential.

The rows give what exists in several languages (the achievement's texts, competency titles);
the stored OB credential gives what was said at issuance (recipient hash, result, evidence,
dates, status entry), so both forms state the same award.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.achievements import repository as achievements
from credex.achievements.public import achievement_url
from credex.core.datetimes import parse_datetime_stamp
from credex.core.elm.facts import (
    ElmAchievement,
    ElmEvidence,
    ElmFacts,
    ElmLearner,
    ElmOrganisation,
    ElmOutcome,
    ElmSkill,
    ElmSpecification,
    LanguageMap,
)
from credex.core.jwt_sign import credential_from_payload
from credex.core.jwt_verify import decode_jwt
from credex.db.models import Achievement, Award, AwardComponent, Credential, Issuer, Learner
from credex.errors import Conflict, NotFound
from credex.issuance.document import credential_url
from credex.issuers.public import issuer_did
from credex.recognition.nqf import find_level

# otherIdentifiers types that name a legal (eIDAS / business register / VAT) identifier
LEGAL_IDENTIFIER_TYPES = (
    "ext:LegalIdentifier",
    "ext:eIDASLegalIdentifier",
    "ext:VATIdentifier",
    "ext:TaxIdentifier",
)


def signed_document(credential: Credential) -> dict[str, Any]:
    """The OB credential as issued (a VC-JWT's payload read as its credential)."""
    document = credential.document
    if document is not None:
        return document
    return credential_from_payload(decode_jwt(credential.content)[1])


def elm_facts(session: Session, credential: Credential, base_url: str) -> ElmFacts:
    issuer = _row(session, Issuer, credential.issuer_id)
    learner = _row(session, Learner, credential.learner_id)
    document = signed_document(credential)
    subject = document["credentialSubject"]
    identity = (subject.get("identifier") or [{}])[0]
    evidence = tuple(
        ElmEvidence(_evidence_statement(item), item.get("id"))
        for item in document.get("evidence", [])
    )
    valid_until = document.get("validUntil")
    achievement = _achievement(session, credential, document, base_url, depth=0)
    return ElmFacts(
        credential_id=str(credential.id),
        issuer=_organisation(issuer, base_url, achievement.specification.languages[0]),
        learner=ElmLearner(
            id=subject.get("id") or learner.did,
            name=learner.name,
            identity_hash=str(identity.get("identityHash", "")),
            identity_salt=identity.get("salt"),
        ),
        achievement=achievement,
        valid_from=parse_datetime_stamp(document["validFrom"]),
        issued=credential.created_at.replace(microsecond=0),
        valid_until=parse_datetime_stamp(valid_until) if valid_until else None,
        status_entry=document.get("credentialStatus"),
        evidence=evidence,
    )


def _row(session: Session, model: Any, row_id: uuid.UUID) -> Any:
    row = session.get(model, row_id)
    if row is None:  # foreign keys make this impossible
        raise NotFound(f"no {model.__name__} {row_id}")
    return row


def _organisation(issuer: Issuer, base_url: str, language: str) -> ElmOrganisation:
    """The issuer; its one stored name is tagged with the credential's primary language."""
    legal = next(
        (
            entry["identifier"]
            for entry in issuer.other_identifiers
            if entry.get("identifier_type") in LEGAL_IDENTIFIER_TYPES
        ),
        None,
    )
    missing = [
        what
        for what, value in (("a country", issuer.country), ("a legal identifier", legal))
        if not value
    ]
    if missing or legal is None or issuer.country is None:
        raise Conflict(
            f"the issuer profile needs {' and '.join(missing)} for an ELM credential (Annex I "
            f"element 3 and the EDC issuer rule); add an other identifier of type "
            f"{LEGAL_IDENTIFIER_TYPES[0]} and the country to the issuer"
        )
    return ElmOrganisation(
        id=issuer_did(issuer.id, base_url),
        legal_name={language: issuer.name},
        country=issuer.country,
        legal_identifier=legal,
        homepage=issuer.url,
        email=issuer.email,
    )


def _evidence_statement(item: dict[str, Any]) -> str:
    parts = [str(item[key]) for key in ("name", "description", "narrative") if item.get(key)]
    if isinstance(item.get("id"), str):
        parts.append(item["id"])
    return " - ".join(parts) or "evidence"


def _achievement(
    session: Session, credential: Credential, document: dict[str, Any], base_url: str, depth: int
) -> ElmAchievement:
    achievement = _row(session, Achievement, credential.achievement_id)
    issuer = _row(session, Issuer, credential.issuer_id)
    subject = document["credentialSubject"]
    results = subject.get("result") or []
    grade = next((str(r["value"]) for r in results if r.get("value") is not None), None)
    awarded = document.get("awardedDate") or document["validFrom"]
    components = _components(session, credential, base_url) if depth == 0 else ()
    return ElmAchievement(
        specification=specification(session, achievement, issuer, base_url),
        awarded=parse_datetime_stamp(awarded),
        credential_url=credential_url(credential.id, base_url),
        grade=grade,
        components=components,
    )


def _components(
    session: Session, credential: Credential, base_url: str
) -> tuple[ElmAchievement, ...]:
    """Credentials a stacked credential combines (those credex issued; see elm-mapping.md)."""
    award = session.scalars(select(Award).where(Award.credential_id == credential.id)).first()
    if award is None:
        return ()
    rows = session.scalars(
        select(Credential)
        .join(AwardComponent, AwardComponent.credential_id == Credential.id)
        .where(AwardComponent.award_id == award.id)
        .order_by(AwardComponent.position)
    ).all()
    return tuple(
        _achievement(session, row, signed_document(row), base_url, depth=1) for row in rows
    )


def _languages(achievement: Achievement) -> tuple[str, ...]:
    others = [tag for tag in achievement.name if tag != achievement.language]
    return (achievement.language, *others)


def _map(language_map: dict[str, Any] | None) -> LanguageMap | None:
    if not language_map:
        return None
    return {tag: str(text) for tag, text in language_map.items() if text}


def _nqf_level(
    session: Session, achievement: Achievement, base_url: str
) -> tuple[str, str, str] | None:
    """ELM `nqfLevel`: the level as a concept of this service's copy of the country's NQF."""
    stated = achievement.nqf
    found = find_level(session, stated["country"], stated["level"]) if stated else None
    if found is None:
        return None
    scheme = f"{base_url}/api/v1/nqf/{found.country}"
    return f"{scheme}#level-{found.level}", scheme, f"{found.country_name}: {found.label}"


def specification(
    session: Session, achievement: Achievement, issuer: Issuer, base_url: str
) -> ElmSpecification:
    """Every text of the achievement in every language it has."""
    return ElmSpecification(
        id=achievement_url(achievement.id, base_url),
        title=_map(achievement.name) or {achievement.language: "Achievement"},
        description=_map(achievement.description) or {},
        languages=_languages(achievement),
        outcomes=_outcomes(session, achievement),
        eqf_level=achievement.eqf_level,
        nqf_level=_nqf_level(session, achievement, base_url),
        ects_credits=achievement.ects_credits,
        workload_hours=achievement.workload_hours,
        participation_form=achievement.participation_form,
        assessment_type=achievement.assessment_type,
        supervision=achievement.supervision,
        quality_assurance=achievement.quality_assurance or issuer.quality_assurance,
        accreditation_note=issuer.accreditation_note,
        prerequisites=_map(achievement.prerequisites),
        further_information=_map(achievement.further_information),
        stackability=achievement.stackability,
    )


def _outcomes(session: Session, achievement: Achievement) -> tuple[ElmOutcome, ...]:
    outcomes = achievement.learning_outcomes
    competencies = achievements.competencies_with_frameworks(
        session, {uuid.UUID(cid) for outcome in outcomes for cid in outcome["competency_ids"]}
    )
    uris = {uri for outcome in outcomes for uri in outcome["esco_uris"]}
    named = achievements.competencies_by_esco_uri(session, uris)
    rendered = []
    for outcome in outcomes:
        skills: dict[str, LanguageMap] = {}
        for cid in outcome["competency_ids"]:
            found = competencies.get(uuid.UUID(cid))
            if found is not None and found[0].esco_uri:
                skills[found[0].esco_uri] = _map(found[0].title) or {}
        for uri in outcome["esco_uris"]:
            known = named.get(uri)
            skills.setdefault(uri, (_map(known.title) if known else None) or {})
        rendered.append(
            ElmOutcome(
                title=_map(outcome["description"]) or {},
                skills=tuple(ElmSkill(uri, label) for uri, label in skills.items()),
            )
        )
    return tuple(rendered)
