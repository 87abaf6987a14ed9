"""`build_elm_credential`: a `EuropeanDigitalCredential` (ELM v3.2, EDC application profile).

The same award as the OB 3.0 credential, in the European Learning Model: the learner
(`Person`) holds a `LearningAchievement` (`hasClaim`) specified by a
`LearningAchievementSpecification` that carries every Annex I element of the Council
Recommendation on micro-credentials (2022/C 243/02); `schemas/elm-mapping.md` is the table.
Local nodes get `urn:epass:<class>:<n>` identifiers as the EC samples do; concepts use EU
vocabulary IRIs (`vocab`). Texts are language maps in every language the record has.

Envelope: VC Data Model 1.1 with the EDC context, as the EDC samples; the Data Integrity context
is added so that the issuer's `eddsa-rdfc-2022` proof (the EBSI "EDC-W3C" form) is defined, and
the Bitstring Status List context when the credential shares the OB credential's status entry.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from credex.core.credentials.lexical import format_date_time
from credex.core.elm import vocab
from credex.core.elm.facts import (
    ElmAchievement,
    ElmEvidence,
    ElmFacts,
    ElmLearner,
    ElmOrganisation,
    ElmSpecification,
    LanguageMap,
)
from credex.core.elm.identity import scheme_name

PNG_TYPE = (
    "http://publications.europa.eu/resource/authority/file-type/PNG",
    "http://publications.europa.eu/resource/authority/file-type",
    "PNG",
)
BASE64_ENCODING = (
    "http://data.europa.eu/snb/encoding/6146cde7dd",
    "http://data.europa.eu/snb/encoding/25831c2",
    "base64",
)


class _Ids:
    """`urn:epass:<class>:<n>`, numbered per class in document order."""

    def __init__(self) -> None:
        self._counts: defaultdict[str, int] = defaultdict(int)

    def __call__(self, kind: str) -> str:
        self._counts[kind] += 1
        return f"urn:epass:{kind}:{self._counts[kind]}"


def elm_credential_id(record_id: str) -> str:
    """The ELM document's id: a URN of the credential record, as the EC samples do."""
    return f"urn:credential:{record_id}"


def build_elm_credential(facts: ElmFacts, display_images: Mapping[str, bytes]) -> dict[str, Any]:
    """The unsigned ELM credential. `display_images` maps each language to a PNG of the
    credential (the profile's `displayParameter` needs one picture per language)."""
    ids = _Ids()
    spec = facts.achievement.specification
    contexts = [vocab.VC_V1_CONTEXT, vocab.ELM_CONTEXT]
    if facts.status_entry is not None:
        contexts.append(vocab.STATUS_CONTEXT)
    contexts.append(vocab.DATA_INTEGRITY_CONTEXT)
    issuer = _organisation(facts.issuer, with_legal_id=True)
    credential: dict[str, Any] = {
        "@context": contexts,
        "id": elm_credential_id(facts.credential_id),
        "type": list(vocab.ELM_TYPE),
        "credentialProfiles": [
            vocab.concept(*vocab.GENERIC_PROFILE[:2], {"en": vocab.GENERIC_PROFILE[2]})
        ],
        "displayParameter": _display(spec, ids, display_images),
        "issuer": issuer,
        "issuanceDate": format_date_time(facts.issued),
        "issued": format_date_time(facts.issued),
        "validFrom": format_date_time(facts.valid_from),
    }
    if facts.valid_until is not None:
        credential["expirationDate"] = format_date_time(facts.valid_until)
        credential["validUntil"] = format_date_time(facts.valid_until)
    subject = _person(facts, ids)
    credential["credentialSubject"] = subject
    if facts.evidence:
        credential["evidence"] = [_evidence(item, ids, subject["id"]) for item in facts.evidence]
    credential["credentialSchema"] = [dict(vocab.ELM_SCHEMA)]
    if facts.status_entry is not None:
        entry = dict(facts.status_entry)
        entry["type"] = ["CredentialStatus", entry["type"]]
        credential["credentialStatus"] = entry
    return credential


def _display(spec: ElmSpecification, ids: _Ids, images: Mapping[str, bytes]) -> dict[str, Any]:
    languages = [vocab.language_concept(tag) for tag in spec.languages]
    display: dict[str, Any] = {
        "id": ids("displayParameter"),
        "type": "DisplayParameter",
        "title": dict(spec.title),
        "description": dict(spec.description),
        "primaryLanguage": languages[0],
        "language": languages,
        "individualDisplay": [],
    }
    for tag in spec.languages:
        display["individualDisplay"].append(
            {
                "id": ids("individualDisplay"),
                "type": "IndividualDisplay",
                "language": vocab.language_concept(tag),
                "displayDetail": [
                    {
                        "id": ids("displayDetail"),
                        "type": "DisplayDetail",
                        "image": {
                            "id": ids("mediaObject"),
                            "type": "MediaObject",
                            "content": base64.b64encode(images[tag]).decode("ascii"),
                            "contentEncoding": vocab.concept(
                                *BASE64_ENCODING[:2], {"en": "base64"}
                            ),
                            "contentType": vocab.concept(*PNG_TYPE[:2], {"en": "PNG"}),
                        },
                        "page": 1,
                    }
                ],
            }
        )
    return display


def _organisation(org: ElmOrganisation, *, with_legal_id: bool) -> dict[str, Any]:
    """Awarding body / issuer: fixed local ids, so that every copy merges into one RDF node."""
    node: dict[str, Any] = {"id": org.id, "type": "Organisation", "legalName": dict(org.legal_name)}
    if with_legal_id:
        node["eIDASIdentifier"] = {
            "id": "urn:epass:legalIdentifier:1",
            "type": "LegalIdentifier",
            "notation": org.legal_identifier,
            "spatial": vocab.country_concept(org.country),
        }
    if org.homepage:
        node["homepage"] = [
            {
                "id": "urn:epass:webResource:homepage",
                "type": "WebResource",
                "contentURL": org.homepage,
            }
        ]
    node["location"] = [
        {
            "id": "urn:epass:location:1",
            "type": "Location",
            "address": [
                {
                    "id": "urn:epass:address:1",
                    "type": "Address",
                    "countryCode": vocab.country_concept(org.country),
                }
            ],
        }
    ]
    return node


def _person(facts: ElmFacts, ids: _Ids) -> dict[str, Any]:
    learner: ElmLearner = facts.learner
    person: dict[str, Any] = {"id": learner.id or ids("person"), "type": "Person"}
    primary = facts.achievement.specification.languages[0]
    if learner.name:
        person["fullName"] = {primary: learner.name}
    person["identifier"] = [
        {
            "id": ids("identifier"),
            "type": "Identifier",
            "notation": learner.identity_hash,
            "schemeName": scheme_name(learner.identity_salt),
        }
    ]
    person["hasClaim"] = [_achievement(facts.achievement, facts.issuer, ids)]
    return person


def _achievement(achievement: ElmAchievement, issuer: ElmOrganisation, ids: _Ids) -> dict[str, Any]:
    spec = achievement.specification
    node: dict[str, Any] = {
        "id": ids("learningAchievement"),
        "type": "LearningAchievement",
        "title": dict(spec.title),
        "description": dict(spec.description),
        "identifier": [
            {
                "id": ids("identifier"),
                "type": "Identifier",
                "notation": achievement.credential_url,
                "schemeName": "Open Badges 3.0 credential",
            }
        ],
        "awardedBy": _awarding(achievement, issuer, ids),
    }
    if spec.assessment_type or spec.supervision or achievement.grade is not None:
        node["provenBy"] = [_assessment(achievement, issuer, ids)]
    node["specifiedBy"] = _specification(spec, ids)
    if achievement.components:
        node["hasPart"] = [_achievement(part, issuer, ids) for part in achievement.components]
    return node


def _awarding(achievement: ElmAchievement, issuer: ElmOrganisation, ids: _Ids) -> dict[str, Any]:
    """Annex I "awarding body(ies)" and the date it awarded the claim."""
    return {
        "id": ids("awardingProcess"),
        "type": "AwardingProcess",
        "awardingBody": [_organisation(issuer, with_legal_id=False)],
        "awardingDate": format_date_time(achievement.awarded),
    }


def _assessment(achievement: ElmAchievement, issuer: ElmOrganisation, ids: _Ids) -> dict[str, Any]:
    """Annex I "type of assessment", the optional "supervision" and "grade achieved"."""
    spec = achievement.specification
    grade = (
        dict.fromkeys(spec.languages, achievement.grade)
        if achievement.grade is not None
        else {
            tag: vocab.PASSED.get(tag.split("-")[0], vocab.PASSED["en"]) for tag in spec.languages
        }
    )
    specification: dict[str, Any] = {
        "id": ids("learningAssessmentSpecification"),
        "type": "LearningAssessmentSpecification",
        "title": _assessment_title(spec),
    }
    if spec.assessment_type:
        specification["dcType"] = vocab.concept(
            vocab.ASSESSMENT_TYPE_CONCEPT,
            vocab.LOCAL_SCHEME,
            dict.fromkeys(spec.languages[:1], spec.assessment_type),
        )
    assessment: dict[str, Any] = {
        "id": ids("learningAssessment"),
        "type": "LearningAssessment",
        "title": _assessment_title(spec),
        "grade": {"id": ids("note"), "type": "Note", "noteLiteral": grade},
        "awardedBy": _awarding(achievement, issuer, ids),
        "specifiedBy": specification,
    }
    if spec.supervision in vocab.SUPERVISION:
        iri, scheme, label = vocab.SUPERVISION[spec.supervision]
        assessment["idVerification"] = vocab.concept(iri, scheme, {"en": label})
    return assessment


def _assessment_title(spec: ElmSpecification) -> LanguageMap:
    if spec.assessment_type:
        return {spec.languages[0]: spec.assessment_type}
    return dict(spec.title)


def _specification(spec: ElmSpecification, ids: _Ids) -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": spec.id,
        "type": "LearningAchievementSpecification",
        "title": dict(spec.title),
        "description": dict(spec.description),
        "language": [vocab.language_concept(tag) for tag in spec.languages],
    }
    if spec.eqf_level is not None:
        node["eqfLevel"] = vocab.concept(
            f"{vocab.SNB}/eqf/{spec.eqf_level}", vocab.EQF_SCHEME, {"en": f"Level {spec.eqf_level}"}
        )
    if spec.nqf_level is not None:
        iri, scheme, label = spec.nqf_level
        node["nqfLevel"] = vocab.concept(iri, scheme, {"en": label})
    if spec.ects_credits is not None:
        node["creditPoint"] = [
            {
                "id": ids("creditPoint"),
                "type": "CreditPoint",
                "framework": vocab.concept(*vocab.ECTS[:2], {"en": vocab.ECTS[2]}),
                "point": _decimal_text(spec.ects_credits),
            }
        ]
    if spec.workload_hours is not None:
        node["volumeOfLearning"] = _hours_duration(spec.workload_hours)
    if spec.outcomes:
        node["learningOutcome"] = [
            {
                "id": ids("learningOutcome"),
                "type": "LearningOutcome",
                "title": dict(outcome.title),
                **(
                    {
                        "relatedESCOSkill": [
                            vocab.concept(skill.uri, vocab.ESCO_SKILL_SCHEME, dict(skill.label))
                            for skill in outcome.skills
                        ]
                    }
                    if outcome.skills
                    else {}
                ),
            }
            for outcome in spec.outcomes
        ]
    if spec.participation_form in vocab.PARTICIPATION_MODES:
        iri, scheme, label = vocab.PARTICIPATION_MODES[spec.participation_form]
        node["mode"] = [vocab.concept(iri, scheme, {"en": label})]
    if spec.prerequisites:
        node["entryRequirement"] = _note(ids, dict(spec.prerequisites))
    notes = _notes(spec, ids)
    if notes:
        node["additionalNote"] = notes
    return node


def _notes(spec: ElmSpecification, ids: _Ids) -> list[dict[str, Any]]:
    """Annex I elements ELM has no dedicated property for in the generic profile, as Notes."""
    primary = spec.languages[0]
    notes = []
    qa = spec.quality_assurance
    if qa:
        text = "; ".join(str(qa[key]) for key in ("type", "body", "url") if qa.get(key))
        notes.append(_note(ids, {primary: text}, vocab.QUALITY_ASSURANCE_SUBJECT))
    if spec.accreditation_note:
        notes.append(_note(ids, {primary: spec.accreditation_note}, vocab.ACCREDITATION_SUBJECT))
    if spec.stackability:
        notes.append(_note(ids, {"en": spec.stackability}, vocab.STACKABILITY_SUBJECT))
    if spec.further_information:
        notes.append(_note(ids, dict(spec.further_information), vocab.FURTHER_INFORMATION_SUBJECT))
    return notes


def _note(
    ids: _Ids, text: LanguageMap, subject: tuple[str, str, str] | None = None
) -> dict[str, Any]:
    note: dict[str, Any] = {"id": ids("note"), "type": "Note", "noteLiteral": text}
    if subject is not None:
        note["subject"] = vocab.concept(subject[0], subject[1], {"en": subject[2]})
    return note


def _evidence(item: ElmEvidence, ids: _Ids, person_id: str) -> dict[str, Any]:
    iri, scheme, _ = vocab.EVIDENCE_TYPE
    return {
        "id": item.id or ids("evidence"),
        "type": "Evidence",
        "dcType": vocab.concept(iri, scheme),
        "evidenceStatement": item.statement,
        "evidenceTarget": [person_id],
    }


def _decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _hours_duration(hours: Decimal) -> str:
    """xsd:duration of a workload in hours (`PT60H`, `PT7H30M`)."""
    minutes = int((hours * 60).to_integral_value())
    whole, rest = divmod(minutes, 60)
    return f"PT{whole}H{rest}M" if rest else f"PT{whole}H"
