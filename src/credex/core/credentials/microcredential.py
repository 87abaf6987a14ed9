"""Render an EU micro-credential specification as an Open Badges 3.0 `Achievement` (pure).

OB 3.0 §B.1 Achievement (https://www.imsglobal.org/spec/ob/v3p0/#achievement) carries the title,
description, criteria, ECTS (`creditsAvailable`) and alignments; the EQF level and each
competency/ESCO skill become `Alignment`s (STANDARDS §a "Where the EU/EQF/ECTS items fit").
The CR2022 Annex I elements OB has no term for travel as credex context terms
(`credex.core.credex_context`); the caller must put that context in `@context`.

Numbers are emitted so that every JSON-LD processor canonicalizes them identically: integral
ECTS as a JSON integer (`2`, not `2.0`, which JavaScript reads as 2 but Python as a double), and
the xsd:decimal terms as lexical strings (`"1.5"`), since a JSON double typed xsd:decimal would
become the ill-formed literal `"1.5E0"^^xsd:decimal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from credex.core.credentials._base import describe_errors
from credex.core.credentials.achievement import Achievement
from credex.core.errors import CoreError

MICRO_CREDENTIAL = "MicroCredential"
EQF_FRAMEWORK = "European Qualifications Framework"
EQF_CONCEPT = "http://data.europa.eu/snb/eqf/{level}"
COMPETENCY_TARGET_TYPE = "ceasn:Competency"
EQF_TARGET_TYPE = "ext:EQF"
NQF_TARGET_TYPE = "ext:NQF"
SUPERVISION_WITH_ID_CHECK = "supervised_with_id_check"


@dataclass(frozen=True)
class AlignmentTarget:
    """A competency or ESCO skill a learning outcome is aligned to."""

    name: str
    url: str
    framework: str
    code: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class LearningOutcome:
    description: str
    alignments: tuple[AlignmentTarget, ...] = ()


@dataclass(frozen=True)
class QualityAssurance:
    """Annex I element 11: the type of QA, the body that performs it and where to read more."""

    type: str
    body: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class GradingScheme:
    """One OB ResultDescription: how a grade is expressed (Annex I optional element "grade")."""

    name: str
    result_type: str
    allowed_values: tuple[str, ...] = ()
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None


@dataclass(frozen=True)
class NationalLevel:
    """A level of a national qualifications framework (EQF Recommendation 2017, Annex III).

    `url` identifies the level (this service's NQF document, with the level as fragment).
    """

    country: str
    country_name: str
    framework: str
    level: str
    label: str
    url: str


@dataclass(frozen=True)
class PreviousVersion:
    id: str
    version: str | None = None


@dataclass(frozen=True)
class MicroCredentialSpec:
    """Everything an Achievement shows, already resolved to one language and absolute URLs.

    `quality_assurance` is the effective one (the achievement's own or the issuer's default);
    `awarding_body`/`issuer_country` come from the issuer (Annex I elements 3, 4) and are what
    the compliance check reads; `creator` is the issuer's OB Profile JSON, emitted as is.
    """

    id: str
    name: str
    description: str
    language: str = "en"
    achievement_type: str = MICRO_CREDENTIAL
    criteria_narrative: str | None = None
    image: str | None = None
    version: str | None = None
    eqf_level: int | None = None
    ects_credits: Decimal | None = None
    workload_hours: Decimal | None = None
    learning_outcomes: tuple[LearningOutcome, ...] = ()
    assessment_type: str | None = None
    participation_form: str | None = None
    quality_assurance: QualityAssurance | None = None
    prerequisites: str | None = None
    supervision: str | None = None
    grading: tuple[GradingScheme, ...] = ()
    stackability: str | None = None
    stacks_into: tuple[str, ...] = ()
    further_information: str | None = None
    awarding_body: str | None = None
    issuer_country: str | None = None
    creator: Mapping[str, Any] | None = None
    previous_version: PreviousVersion | None = None
    national_level: NationalLevel | None = None


def decimal_text(value: Decimal) -> str:
    """xsd:decimal lexical form without exponent or trailing zeros: 2.00 → "2", 1.50 → "1.5"."""
    return format(value.normalize(), "f")


def float_number(value: Decimal) -> int | float:
    """An OB Float that canonicalizes the same in every JSON-LD processor (see module doc)."""
    return int(value) if value == value.to_integral_value() else float(value)


def result_description_id(achievement_id: str, index: int) -> str:
    """Stable id of the `index`-th (1-based) ResultDescription; Results point at it."""
    return f"{achievement_id}#result-{index}"


def eqf_alignment(level: int) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetUrl": EQF_CONCEPT.format(level=level),
        "targetName": f"EQF level {level}",
        "targetFramework": EQF_FRAMEWORK,
        "targetCode": str(level),
        "targetType": EQF_TARGET_TYPE,
    }


def nqf_alignment(level: NationalLevel) -> dict[str, Any]:
    """The national level as a second alignment: "France: niveau 5" beside "EQF level 5"."""
    return {
        "type": ["Alignment"],
        "targetUrl": level.url,
        "targetName": f"{level.country_name}: {level.label}",
        "targetFramework": level.framework,
        "targetCode": level.level,
        "targetType": NQF_TARGET_TYPE,
    }


def competency_alignment(target: AlignmentTarget) -> dict[str, Any]:
    alignment: dict[str, Any] = {
        "type": ["Alignment"],
        "targetUrl": target.url,
        "targetName": target.name,
        "targetFramework": target.framework,
        "targetType": COMPETENCY_TARGET_TYPE,
    }
    if target.code:
        alignment["targetCode"] = target.code
    if target.description:
        alignment["targetDescription"] = target.description
    return alignment


def build_achievement(spec: MicroCredentialSpec) -> dict[str, Any]:
    """The OB 3.0 Achievement JSON (no `@context`: the caller embeds or wraps it).

    Raises `CoreError` (`MALFORMED_VALUE_ERROR`) when the result is not a valid OB Achievement.
    """
    document: dict[str, Any] = {
        "id": spec.id,
        "type": ["Achievement"],
        "achievementType": spec.achievement_type,
        "name": spec.name,
        "description": spec.description,
        "criteria": {"narrative": spec.criteria_narrative or _default_criteria(spec)},
        "inLanguage": spec.language,
    }
    if spec.image:
        document["image"] = {"id": spec.image, "type": "Image"}
    if spec.version:
        document["version"] = spec.version
    if spec.creator:
        document["creator"] = dict(spec.creator)
    if spec.ects_credits is not None:
        document["creditsAvailable"] = float_number(spec.ects_credits)
    alignments = _achievement_alignments(spec)
    if alignments:
        document["alignment"] = alignments
    if spec.grading:
        document["resultDescription"] = [
            _result_description(spec.id, index, scheme)
            for index, scheme in enumerate(spec.grading, start=1)
        ]
    if spec.previous_version:
        document["related"] = [_related(spec.previous_version)]
    document.update(micro_credential_terms(spec))
    _check(document)
    return document


def micro_credential_terms(spec: MicroCredentialSpec) -> dict[str, Any]:
    """The credex-context terms for the Annex I elements OB 3.0 has no property for."""
    terms: dict[str, Any] = {}
    if spec.eqf_level is not None:
        terms["eqfLevel"] = spec.eqf_level
    if spec.ects_credits is not None:
        terms["ectsCredits"] = decimal_text(spec.ects_credits)
    if spec.workload_hours is not None:
        terms["notionalWorkloadHours"] = decimal_text(spec.workload_hours)
    if spec.learning_outcomes:
        terms["learningOutcome"] = [_learning_outcome(lo) for lo in spec.learning_outcomes]
    _put(terms, "assessmentType", spec.assessment_type)
    _put(terms, "participationForm", spec.participation_form)
    if spec.quality_assurance:
        terms["qualityAssurance"] = _quality_assurance(spec.quality_assurance)
    _put(terms, "prerequisites", spec.prerequisites)
    if spec.supervision:
        terms["supervisionType"] = spec.supervision
        terms["identityVerification"] = spec.supervision == SUPERVISION_WITH_ID_CHECK
    _put(terms, "stackability", spec.stackability)
    if spec.stacks_into:
        terms["stacksInto"] = list(spec.stacks_into)
    _put(terms, "furtherInformation", spec.further_information)
    return terms


def _put(target: dict[str, Any], key: str, value: str | None) -> None:
    if value:
        target[key] = value


def _default_criteria(spec: MicroCredentialSpec) -> str:
    """Without an explicit narrative, the criteria are the assessed learning outcomes."""
    if not spec.learning_outcomes:
        return spec.description
    lines = "\n".join(f"- {outcome.description}" for outcome in spec.learning_outcomes)
    return f"The learner has demonstrated these learning outcomes:\n\n{lines}"


def _achievement_alignments(spec: MicroCredentialSpec) -> list[dict[str, Any]]:
    """EQF, the national level, then each outcome's targets once (by URL), in order."""
    alignments = [eqf_alignment(spec.eqf_level)] if spec.eqf_level is not None else []
    if spec.national_level is not None:
        alignments.append(nqf_alignment(spec.national_level))
    seen: set[str] = set()
    for outcome in spec.learning_outcomes:
        for target in outcome.alignments:
            if target.url not in seen:
                seen.add(target.url)
                alignments.append(competency_alignment(target))
    return alignments


def _learning_outcome(outcome: LearningOutcome) -> dict[str, Any]:
    rendered: dict[str, Any] = {"description": outcome.description}
    if outcome.alignments:
        rendered["alignment"] = [competency_alignment(t) for t in outcome.alignments]
    return rendered


def _quality_assurance(qa: QualityAssurance) -> dict[str, Any]:
    rendered = {"assuranceType": qa.type}
    _put(rendered, "assuranceBody", qa.body)
    _put(rendered, "assuranceUrl", qa.url)
    return rendered


def _result_description(achievement_id: str, index: int, scheme: GradingScheme) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "id": result_description_id(achievement_id, index),
        "type": ["ResultDescription"],
        "name": scheme.name,
        "resultType": scheme.result_type,
    }
    if scheme.allowed_values:
        rendered["allowedValue"] = list(scheme.allowed_values)
    _put(rendered, "requiredValue", scheme.required_value)
    _put(rendered, "valueMin", scheme.value_min)
    _put(rendered, "valueMax", scheme.value_max)
    return rendered


def _related(previous: PreviousVersion) -> dict[str, Any]:
    related: dict[str, Any] = {"id": previous.id, "type": ["Related"]}
    _put(related, "version", previous.version)
    return related


def _check(document: dict[str, Any]) -> None:
    try:
        Achievement.model_validate(document)
    except ValidationError as exc:
        raise CoreError(describe_errors(exc), code="MALFORMED_VALUE_ERROR") from exc
