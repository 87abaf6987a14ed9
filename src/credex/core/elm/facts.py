"""The facts an ELM credential is built from: the same award the OB 3.0 credential states,
with every text as a language map (BCP 47 tag -> text) in all the languages it exists in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

LanguageMap = dict[str, str]


@dataclass(frozen=True)
class ElmOrganisation:
    """The issuer / awarding body (Annex I elements 3 and 4)."""

    id: str  # the issuer's DID: the same id as in the OB credential, so key binding holds
    legal_name: LanguageMap
    country: str  # ISO 3166-1 alpha-2
    legal_identifier: str
    homepage: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class ElmSkill:
    uri: str  # an ESCO skill IRI
    label: LanguageMap


@dataclass(frozen=True)
class ElmOutcome:
    title: LanguageMap
    skills: tuple[ElmSkill, ...] = ()


@dataclass(frozen=True)
class ElmSpecification:
    """The achievement (micro-credential specification) as published."""

    id: str  # the public OB Achievement URL
    title: LanguageMap
    description: LanguageMap
    languages: tuple[str, ...]  # primary first
    outcomes: tuple[ElmOutcome, ...] = ()
    eqf_level: int | None = None
    # A national level: (concept IRI, concept scheme IRI, label such as "France: niveau 5").
    nqf_level: tuple[str, str, str] | None = None
    ects_credits: Decimal | None = None
    workload_hours: Decimal | None = None
    participation_form: str | None = None
    assessment_type: str | None = None
    supervision: str | None = None
    quality_assurance: dict[str, Any] | None = None  # {"type", "body", "url"}
    accreditation_note: str | None = None
    prerequisites: LanguageMap | None = None
    further_information: LanguageMap | None = None
    stackability: str | None = None


@dataclass(frozen=True)
class ElmEvidence:
    statement: str
    id: str | None = None


@dataclass(frozen=True)
class ElmAchievement:
    """One achieved specification; a stacked one lists the achievements it combines."""

    specification: ElmSpecification
    awarded: datetime
    credential_url: str  # the OB 3.0 credential stating the same award
    grade: str | None = None
    components: tuple[ElmAchievement, ...] = ()


@dataclass(frozen=True)
class ElmLearner:
    id: str | None  # the learner's DID, when known
    name: str | None
    identity_hash: str  # the salted e-mail hash the OB credential carries
    identity_salt: str | None


@dataclass(frozen=True)
class ElmFacts:
    credential_id: str  # the record's UUID
    issuer: ElmOrganisation
    learner: ElmLearner
    achievement: ElmAchievement
    valid_from: datetime
    issued: datetime
    valid_until: datetime | None = None
    status_entry: dict[str, Any] | None = None
    evidence: tuple[ElmEvidence, ...] = field(default_factory=tuple)
