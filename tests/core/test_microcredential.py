"""The micro-credential Achievement builder, the credex context and the Annex I check (pure)."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from credex.achievements.compliance import check_compliance
from credex.core import jsonld
from credex.core.credentials.builders import build_open_badge_credential
from credex.core.credentials.microcredential import (
    AlignmentTarget,
    GradingScheme,
    LearningOutcome,
    MicroCredentialSpec,
    PreviousVersion,
    QualityAssurance,
    build_achievement,
    decimal_text,
    float_number,
)
from credex.core.credentials.ob3 import Achievement, AchievementSubject, Profile
from credex.core.credentials.vocab import OB_CONTEXT
from credex.core.credex_context import (
    credex_context_bytes,
    credex_context_document,
    credex_context_terms,
    credex_context_url,
    register_credex_context,
)
from credex.core.errors import CoreError, DataLossError

BASE = "https://badges.example.org"
ACHIEVEMENT_ID = f"{BASE}/achievements/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
PARENT_ID = f"{BASE}/achievements/6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b"
ESCO_STORY = "http://data.europa.eu/esco/skill/3f6e1e2a-0b6c-4a4e-9a77-6d6f3c9d2b10"
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
DOC_PATH = SCHEMAS / "credex-context.md"

STORYTELLING = AlignmentTarget(
    name="Digital storytelling",
    url=ESCO_STORY,
    framework="Digital and entrepreneurial skills for CCI professionals",
    code="D1.1",
    description="Plan a cross-media narrative",
)
FULL = MicroCredentialSpec(
    id=ACHIEVEMENT_ID,
    name="Digital storytelling for cultural heritage",
    description="Plan and produce short digital stories about a heritage collection.",
    language="en",
    criteria_narrative="Submit a portfolio.",
    image="https://badges.example.org/img/story.png",
    version="2.0",
    eqf_level=4,
    ects_credits=Decimal("2.00"),
    workload_hours=Decimal("50.50"),
    learning_outcomes=(
        LearningOutcome("Plan a cross-media narrative", (STORYTELLING,)),
        LearningOutcome(
            "Produce short video",
            (
                STORYTELLING,
                AlignmentTarget("ESCO skill x", "http://data.europa.eu/esco/skill/x1", "ESCO"),
            ),
        ),
    ),
    assessment_type="Portfolio reviewed by a tutor",
    participation_form="online",
    quality_assurance=QualityAssurance("External accreditation", "QA Agency", "https://qa.example"),
    prerequisites="Basic digital literacy",
    supervision="supervised_with_id_check",
    grading=(GradingScheme("Final grade", "LetterGrade", ("Pass", "Merit"), "Pass"),),
    stackability="stackable",
    stacks_into=(PARENT_ID,),
    further_information="Part of a pathway.",
    awarding_body="Basilicata Creative Skills Lab",
    issuer_country="IT",
    creator={
        "id": "did:web:badges.example.org:issuers:1",
        "type": ["Profile"],
        "name": "Basilicata Creative Skills Lab",
        "address": {"type": ["Address"], "addressCountryCode": "IT"},
    },
    previous_version=PreviousVersion(f"{BASE}/achievements/previous", "1.0"),
)
MINIMAL = MicroCredentialSpec(id=ACHIEVEMENT_ID, name="Title", description="About it.")


def standalone(document: dict[str, Any]) -> dict[str, Any]:
    return {"@context": [OB_CONTEXT, register_credex_context(BASE)], **document}


def test_full_spec_renders_ob_achievement_with_eu_elements() -> None:
    doc = build_achievement(FULL)
    assert doc["id"] == ACHIEVEMENT_ID
    assert doc["type"] == ["Achievement"]
    assert doc["achievementType"] == "MicroCredential"
    assert doc["criteria"] == {"narrative": "Submit a portfolio."}
    assert doc["image"] == {"id": "https://badges.example.org/img/story.png", "type": "Image"}
    assert doc["inLanguage"] == "en"
    assert doc["creditsAvailable"] == 2
    assert isinstance(doc["creditsAvailable"], int)  # 2, not 2.0 (see the builder's docstring)
    assert doc["ectsCredits"] == "2"
    assert doc["notionalWorkloadHours"] == "50.5"
    assert doc["eqfLevel"] == 4
    assert doc["alignment"][0] == {
        "type": ["Alignment"],
        "targetUrl": "http://data.europa.eu/snb/eqf/4",
        "targetName": "EQF level 4",
        "targetFramework": "European Qualifications Framework",
        "targetCode": "4",
        "targetType": "ext:EQF",
    }
    # each competency once on the Achievement, in order, after the EQF level
    assert [a["targetUrl"] for a in doc["alignment"][1:]] == [
        ESCO_STORY,
        "http://data.europa.eu/esco/skill/x1",
    ]
    assert doc["alignment"][1]["targetCode"] == "D1.1"
    assert doc["alignment"][1]["targetType"] == "ceasn:Competency"
    assert doc["learningOutcome"][1]["alignment"][1]["targetFramework"] == "ESCO"
    assert doc["resultDescription"] == [
        {
            "id": f"{ACHIEVEMENT_ID}#result-1",
            "type": ["ResultDescription"],
            "name": "Final grade",
            "resultType": "LetterGrade",
            "allowedValue": ["Pass", "Merit"],
            "requiredValue": "Pass",
        }
    ]
    assert doc["qualityAssurance"] == {
        "assuranceType": "External accreditation",
        "assuranceBody": "QA Agency",
        "assuranceUrl": "https://qa.example",
    }
    assert doc["supervisionType"] == "supervised_with_id_check"
    assert doc["identityVerification"] is True
    assert doc["stackability"] == "stackable"
    assert doc["stacksInto"] == [PARENT_ID]
    assert doc["related"] == [
        {"id": f"{BASE}/achievements/previous", "type": ["Related"], "version": "1.0"}
    ]
    assert doc["creator"]["address"]["addressCountryCode"] == "IT"


def test_minimal_spec_omits_what_is_not_given() -> None:
    doc = build_achievement(MINIMAL)
    assert set(doc) == {
        "id",
        "type",
        "achievementType",
        "name",
        "description",
        "criteria",
        "inLanguage",
    }
    assert doc["criteria"] == {"narrative": "About it."}


def test_default_criteria_lists_the_learning_outcomes() -> None:
    spec = dataclasses.replace(MINIMAL, learning_outcomes=(LearningOutcome("Do X"),))
    assert "- Do X" in build_achievement(spec)["criteria"]["narrative"]


def test_numbers_canonicalize_the_same_everywhere() -> None:
    assert float_number(Decimal("1.50")) == 1.5
    assert isinstance(float_number(Decimal("6.00")), int)
    assert decimal_text(Decimal("10")) == "10"
    assert decimal_text(Decimal("1.50")) == "1.5"
    assert decimal_text(Decimal("0.00")) == "0"


def test_invalid_values_are_refused_before_anyone_signs() -> None:
    with pytest.raises(CoreError) as caught:
        build_achievement(dataclasses.replace(MINIMAL, id="not a uri"))
    assert caught.value.code == "MALFORMED_VALUE_ERROR"
    with pytest.raises(CoreError):
        build_achievement(dataclasses.replace(MINIMAL, achievement_type="Nanodegree"))


def test_every_emitted_term_survives_json_ld_processing() -> None:
    doc = standalone(build_achievement(FULL))
    dataset = jsonld.to_rdf(doc)  # raises DataLossError if any term were undefined
    triples = {
        (t["predicate"]["value"], t["object"]["value"], t["object"].get("datatype"))
        for t in dataset["@default"]
    }
    vocab = "https://purl.org/credex/vocab#"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert (vocab + "eqfLevel", "4", xsd + "integer") in triples
    assert (vocab + "ectsCredits", "2", xsd + "decimal") in triples
    assert (vocab + "notionalWorkloadHours", "50.5", xsd + "decimal") in triples
    assert (vocab + "identityVerification", "true", xsd + "boolean") in triples
    assert (vocab + "stacksInto", PARENT_ID, None) in triples
    assert (vocab + "assuranceBody", "QA Agency", xsd + "string") in triples


def test_an_undefined_term_is_detected_not_dropped() -> None:
    doc = standalone(build_achievement(FULL)) | {"ectsPoints": 2}
    with pytest.raises(DataLossError, match="ectsPoints"):
        jsonld.to_rdf(doc)


def test_achievement_embeds_in_a_schema_valid_credential_without_data_loss() -> None:
    achievement = Achievement.model_validate(build_achievement(FULL))
    credential = build_open_badge_credential(
        credential_id="urn:uuid:7f0b3c1e-4a2d-4f7e-9d8b-1c2e3f4a5b6c",
        issuer=Profile.model_validate(FULL.creator),
        subject=AchievementSubject(id="did:example:learner", achievement=achievement),
        valid_from="2026-01-01T00:00:00Z",
        extra_contexts=[credex_context_url(BASE)],
    )
    embedded = credential["credentialSubject"]["achievement"]
    assert embedded["eqfLevel"] == 4
    assert embedded["qualityAssurance"]["assuranceType"] == "External accreditation"
    jsonld.to_rdf(credential)


def test_context_is_protected_versioned_and_served_per_origin() -> None:
    document = credex_context_document()
    assert document["@context"]["@protected"] is True
    assert document["@context"]["@version"] == 1.1
    assert credex_context_url("https://a.example/") == "https://a.example/contexts/credex-v1.jsonld"
    url = register_credex_context("https://b.example")
    assert register_credex_context("https://b.example") == url  # idempotent
    assert jsonld.load_document(url)["document"] == document
    assert credex_context_bytes().startswith(b"{")


def test_every_context_term_is_emitted_and_documented() -> None:
    doc = build_achievement(FULL)
    emitted = {key for key in doc if key in credex_context_terms()}
    assert emitted == credex_context_terms()
    documented = set(re.findall(r"^\| `([A-Za-z]+)` \|", DOC_PATH.read_text(), re.MULTILINE))
    nested = set(document_nested_terms())
    assert credex_context_terms() | nested <= documented


def document_nested_terms() -> list[str]:
    qa = credex_context_document()["@context"]["qualityAssurance"]["@context"]
    return [term for term in qa if not term.startswith("@")]


def test_full_spec_is_compliant() -> None:
    report = check_compliance(FULL)
    assert report.compliant
    assert report.missing == []
    assert "learner_identification" in report.present
    assert "date_of_issuing" in report.present
    statuses = {e.id: e.status for e in report.elements}
    assert statuses["learner_identification"] == "provided_at_issuance"
    assert report.optional_present == [
        "prerequisites",
        "supervision_identity_verification",
        "grade",
        "stackability",
        "further_information",
    ]


def test_minimal_spec_lists_every_missing_element() -> None:
    report = check_compliance(MINIMAL)
    assert not report.compliant
    assert report.missing == [
        "issuer_country",
        "awarding_body",
        "learning_outcomes",
        "workload",
        "eqf_level",
        "assessment_type",
        "participation_form",
        "quality_assurance",
    ]
    assert report.present == ["learner_identification", "title", "date_of_issuing"]
    assert report.optional_present == []


def test_eqf_level_only_required_for_micro_credentials() -> None:
    badge = dataclasses.replace(FULL, achievement_type="Badge", eqf_level=None)
    report = check_compliance(badge)
    assert report.compliant
    assert {e.id: e.status for e in report.elements}["eqf_level"] == "not_applicable"
    assert (
        "eqf_level"
        in check_compliance(dataclasses.replace(badge, achievement_type="MicroCredential")).missing
    )


def test_workload_counts_hours_or_ects_above_zero() -> None:
    no_ects = dataclasses.replace(FULL, ects_credits=Decimal(0), workload_hours=None)
    assert check_compliance(no_ects).missing == ["workload"]
    hours = dataclasses.replace(no_ects, workload_hours=Decimal(25))
    assert check_compliance(hours).compliant


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads((SCHEMAS / "achievement.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return [error.message for error in Draft202012Validator(schema).iter_errors(document)]


def test_published_json_schema_accepts_what_the_builder_emits() -> None:
    assert schema_errors(standalone(build_achievement(FULL))) == []
    assert schema_errors(build_achievement(MINIMAL)) == []
    wrong = build_achievement(FULL) | {"eqfLevel": 9, "ectsCredits": 2.0}
    assert len(schema_errors(wrong)) == 2
