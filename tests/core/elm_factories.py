"""ELM facts for core tests: a bilingual micro-credential with every Annex I element."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from credex.core.elm.builder import build_elm_credential
from credex.core.elm.facts import (
    ElmAchievement,
    ElmEvidence,
    ElmFacts,
    ElmLearner,
    ElmOrganisation,
    ElmOutcome,
    ElmSkill,
    ElmSpecification,
)

PNG = b"\x89PNG\r\n\x1a\n-not-a-real-picture"
ESCO = "http://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9"
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def spec(title: str = "Audience development", **fields: Any) -> ElmSpecification:
    base = ElmSpecification(
        id="https://credex.example/achievements/1",
        title={"en": title, "fr": f"{title} (fr)"},
        description={"en": "Grow an audience.", "fr": "Développer un public."},
        languages=("en", "fr"),
        outcomes=(
            ElmOutcome(
                {"en": "Segment an audience", "fr": "Segmenter un public"},
                (ElmSkill(ESCO, {"en": "stimulate creativity in the team"}),),
            ),
        ),
        eqf_level=5,
        ects_credits=Decimal("2.50"),
        workload_hours=Decimal("62.5"),
        participation_form="blended",
        assessment_type="Project reviewed by two assessors",
        supervision="supervised_with_id_check",
        quality_assurance={"type": "ESG part 1", "body": "QA Board", "url": "https://qa.example"},
        accreditation_note="Reviewed yearly by an external panel.",
        prerequisites={"en": "None", "fr": "Aucun"},
        further_information={"en": "See the course page."},
        stackability="stackable",
    )
    return replace(base, **fields)


def facts(issuer_id: str, **fields: Any) -> ElmFacts:
    base = ElmFacts(
        credential_id="0b7c0a52-5d1e-4b8e-9c1e-000000000001",
        issuer=ElmOrganisation(
            id=issuer_id,
            legal_name={"en": "Materahub Academy"},
            country="IT",
            legal_identifier="IT01234567890",
            homepage="https://academy.example",
        ),
        learner=ElmLearner(None, "Ana Rossi", "sha256$" + "ab" * 32, "salt1"),
        achievement=ElmAchievement(spec(), WHEN, "https://credex.example/credentials/1"),
        valid_from=WHEN,
        issued=WHEN,
    )
    return replace(base, **fields)


def graded(issuer_id: str) -> ElmFacts:
    achievement = ElmAchievement(spec(), WHEN, "https://credex.example/credentials/1", "Merit")
    return facts(issuer_id, achievement=achievement)


def with_evidence(issuer_id: str) -> ElmFacts:
    evidence = (
        ElmEvidence("Portfolio - https://evidence.example/1", "https://evidence.example/1"),
    )
    return facts(issuer_id, evidence=evidence)


def stacked(issuer_id: str) -> ElmFacts:
    parts = tuple(
        ElmAchievement(
            spec(f"Part {n}", id=f"https://credex.example/achievements/p{n}"),
            WHEN,
            f"https://credex.example/credentials/p{n}",
        )
        for n in (1, 2)
    )
    whole = ElmAchievement(
        spec("Whole"), WHEN, "https://credex.example/credentials/1", components=parts
    )
    return facts(issuer_id, achievement=whole)


def build(elm_facts: ElmFacts) -> dict[str, Any]:
    images = dict.fromkeys(elm_facts.achievement.specification.languages, PNG)
    return build_elm_credential(elm_facts, images)
