"""OB 3.0 models and builders: vectors round-trip, emission rules, validation, JSON-LD safety."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pyld import jsonld

from credex.core.credentials.builders import (
    build_endorsement_credential,
    build_open_badge_credential,
    credential_contexts,
)
from credex.core.credentials.identity import email_identity_object
from credex.core.credentials.ob3 import (
    Achievement,
    AchievementSubject,
    Address,
    Alignment,
    Criteria,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    GeoCoordinates,
    IdentifierEntry,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    parse_open_badge_credential,
)
from credex.core.credentials.schema import validate_ob_schema
from credex.core.credentials.vocab import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    VC_V2_CONTEXT,
    AchievementType,
)
from credex.core.errors import CoreError, ParsingError
from credex.core.jsonld import load_document

VECTORS = Path(__file__).parent / "vectors"
SCHEMA_VALID = [
    "ob-v3p0-examples/basicOpenBadgeCredential-1.json",
    "ob-v3p0-examples/docformat-1.json",
    "ob-v3p0-examples/fullOpenBadge-1.json",
    "ob-v3p0-examples/achievementAlignmentCase-1.json",
    "ob-v3p0-examples/achievementAlignmentCe-1.json",
    "ob-v3p0-examples/skillAssertionCase-1.json",
    "ob-v3p0-examples/skillAssertionCtdl-1.json",
    "ob-v3p0-ldp/obv3p0/unsigned.json",
    "edubadges-obv3-microcredential/theed_microcredential_full_ho.json",
    "edubadges-obv3-microcredential/theed_microcredential_minimal_ho.json",
]
ISSUER_ID = "https://academy.example/issuers/1"
ACHIEVEMENT_ID = "https://academy.example/achievements/data-literacy"
# A test-only extension context for EU micro-credential terms on Achievement.
EU_TERMS_CONTEXT = {
    "eqfLevel": {"@id": "https://credex.example/vocab#eqfLevel"},
    "ectsCredits": {"@id": "https://credex.example/vocab#ectsCredits"},
}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((VECTORS / name).read_text(encoding="utf-8"))
    return data


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """Terms JSON-LD would silently drop: map them to a marker vocabulary and look for it."""
    probe = {**document, "@context": [*document["@context"], {"@vocab": "urn:undefined:"}]}
    nquads = jsonld.normalize(
        probe,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": load_document,
        },
    )
    return sorted(set(re.findall(r"urn:undefined:([^>\s]*)", nquads)))


def achievement(**extra: Any) -> Achievement:
    fields: dict[str, Any] = {
        "id": ACHIEVEMENT_ID,
        "name": "Data literacy",
        "description": "Reads, questions and presents data.",
        "criteria": Criteria(narrative="Pass the final assessment."),
        "achievement_type": AchievementType.MICRO_CREDENTIAL,
    }
    return Achievement(**{**fields, **extra})


def full_subject() -> AchievementSubject:
    rubric = RubricCriterionLevel(id="urn:uuid:level-1", name="Mastery", level="Mastered")
    definition = achievement(
        alignment=[
            Alignment(
                target_name="EQF level 5",
                target_url="http://data.europa.eu/snb/eqf/5",
                target_type="ext:EQF",
                target_code="5",
                target_framework="European Qualifications Framework",
            )
        ],
        creator=Profile(id=ISSUER_ID, name="Academy"),
        credits_available=3.0,
        field_of_study="Data",
        image=Image(id="https://academy.example/badge.png", caption="Badge"),
        in_language="en",
        other_identifier=[IdentifierEntry(identifier="DL-1", identifier_type="systemId")],
        related=[Related(id="https://academy.example/achievements/dl-it", in_language="it")],
        result_description=[
            ResultDescription(
                id="urn:uuid:grade",
                name="Grade",
                result_type="LetterGrade",
                allowed_value=["C", "B", "A"],
                rubric_criterion_level=[rubric],
            )
        ],
        tag=["data", "literacy"],
        version="1.0",
    )
    return AchievementSubject(
        id="did:example:learner",
        identifier=[IdentityObject.model_validate(email_identity_object("a@example.com", "s"))],
        achievement=definition,
        activity_start_date="2025-01-01T09:00:00+01:00",
        credits_earned=3.0,
        result=[Result(result_description="urn:uuid:grade", value="A", status="Completed")],
    )


def full_issuer() -> Profile:
    return Profile(
        id=ISSUER_ID,
        name="Example Academy",
        url="https://academy.example",
        email="office@academy.example",
        address=Address(
            address_country="Italy",
            address_country_code="IT",
            geo=GeoCoordinates(latitude=40.66, longitude=16.6),
        ),
        image=Image(id="data:image/png;base64,iVBORw0KGgo="),
    )


def build_full(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "credential_id": "urn:uuid:6f1d3e2a-0000-4000-8000-000000000001",
        "issuer": full_issuer(),
        "subject": full_subject(),
        "valid_from": datetime(2025, 3, 1, 12, tzinfo=UTC),
        "valid_until": "2030-03-01T12:00:00Z",
        "awarded_date": datetime(2025, 2, 28, tzinfo=timezone(timedelta(hours=1))),
        "evidence": [Evidence(id="https://academy.example/evidence/1", name="Report")],
        "credential_status": {
            "id": "https://academy.example/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://academy.example/status/1",
        },
    }
    return build_open_badge_credential(**{**arguments, **overrides})


# --- spec vectors --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMA_VALID)
def test_schema_valid_vectors_round_trip_exactly(name: str) -> None:
    document = load(name)
    assert parse_open_badge_credential(document).to_json() == document


def test_endorsement_vector_round_trips() -> None:
    document = load("ob-v3p0-examples/endorsement-1.json")
    endorsement = EndorsementCredential.model_validate(document)
    assert endorsement.credential_subject.endorsement_comment
    assert endorsement.to_json() == document


def test_parse_accepts_compacted_types_and_emits_arrays() -> None:
    document = load("ob-v3p0-examples/recommended-practices-2.json")
    assert validate_ob_schema(document)  # string-valued `type` fails the purl schema
    emitted = parse_open_badge_credential(document).to_json()
    assert emitted["credentialSubject"]["type"] == ["AchievementSubject"]
    assert emitted["credentialSubject"]["achievement"]["creator"]["type"] == ["Profile"]
    assert emitted["credentialSubject"]["achievement"]["image"]["type"] == "Image"
    assert validate_ob_schema(emitted) == []


def test_parse_accepts_single_proof_and_emits_a_proof_array() -> None:
    document = load("ob-v3p0-ldp/obv3p0/signed.json")
    emitted = parse_open_badge_credential(document).to_json()
    assert emitted["proof"] == [document["proof"]]
    assert validate_ob_schema(emitted) == []


def test_parse_keeps_unknown_fields() -> None:
    document = load("edubadges-obv3-microcredential/theed_microcredential_full_ho.json")
    credential = parse_open_badge_credential(document)
    extras = credential.credential_subject.achievement.model_extra or {}
    assert {"ECTS", "assessmentType", "participationType"} <= set(extras)


def test_parse_reads_json_names_only() -> None:
    document = load("ob-v3p0-examples/basicOpenBadgeCredential-1.json")
    document["credentialSubject"]["achievement"]["achievement_type"] = "Badge"
    achieved = parse_open_badge_credential(document).credential_subject.achievement
    assert achieved.achievement_type is None
    assert achieved.model_extra == {"achievement_type": "Badge"}


def test_parse_refuses_the_old_style_sample_and_missing_types() -> None:
    with pytest.raises(ParsingError, match="credentialSubject"):
        parse_open_badge_credential(load("ob-v3p0-examples/examples-1.json"))
    document = load("ob-v3p0-examples/basicOpenBadgeCredential-1.json")
    del document["credentialSubject"]["achievement"]["type"]
    with pytest.raises(ParsingError, match="'type' is required"):
        parse_open_badge_credential(document)


def test_parse_reads_vc_1_1_era_credentials() -> None:
    document = load("ob-v3p0-examples/basicOpenBadgeCredential-1.json")
    document["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    ]
    document["issuanceDate"] = document.pop("validFrom")
    credential = parse_open_badge_credential(document)
    assert credential.valid_from is None
    assert credential.to_json() == document
    with pytest.raises(ValidationError, match="@context must start with"):
        OpenBadgeCredential.model_validate(document)


# --- emission rules ------------------------------------------------------------------------------


def test_built_credential_shape() -> None:
    document = build_full()
    assert document["@context"] == [VC_V2_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["credentialSchema"] == [
        {"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
    ]
    assert document["name"] == "Data literacy"  # defaults to the achievement's name
    assert document["validFrom"] == "2025-03-01T12:00:00Z"
    assert document["awardedDate"] == "2025-02-28T00:00:00+01:00"
    assert document["issuer"]["address"]["geo"]["type"] == "GeoCoordinates"
    assert document["issuer"]["image"] == {
        "id": "data:image/png;base64,iVBORw0KGgo=",
        "type": "Image",
    }
    subject = document["credentialSubject"]
    assert subject["identifier"][0]["type"] == "IdentityObject"
    assert subject["achievement"]["otherIdentifier"][0]["type"] == "IdentifierEntry"
    assert subject["achievement"]["resultDescription"][0]["type"] == ["ResultDescription"]
    assert subject["result"][0]["type"] == ["Result"]
    assert document["credentialStatus"]["statusListIndex"] == "94567"
    assert validate_ob_schema(document) == []


def test_nulls_and_empty_lists_are_omitted() -> None:
    emitted = achievement().to_json()
    assert set(emitted) == {"id", "type", "name", "description", "criteria", "achievementType"}
    assert Criteria().to_json() == {}


def test_builder_without_schema_needs_no_extensions_context() -> None:
    document = build_full(credential_schema=False, credential_status=None, name="Custom")
    assert document["@context"] == [VC_V2_CONTEXT, OB_CONTEXT]
    assert "credentialSchema" not in document
    assert document["name"] == "Custom"


def test_builder_adds_extensions_context_for_1edtech_status() -> None:
    status = {"id": "https://academy.example/revocations", "type": "1EdTechRevocationList"}
    document = build_full(credential_schema=False, credential_status=status)
    assert document["@context"][2] == OB_EXTENSIONS_CONTEXT


def test_extra_contexts_follow_the_ob_contexts_without_duplicates() -> None:
    contexts = credential_contexts([OB_CONTEXT, EU_TERMS_CONTEXT, "https://x.example/c"], True)
    assert contexts == [
        VC_V2_CONTEXT,
        OB_CONTEXT,
        OB_EXTENSIONS_CONTEXT,
        EU_TERMS_CONTEXT,
        "https://x.example/c",
    ]


def test_builder_reports_malformed_input_as_core_error() -> None:
    with pytest.raises(CoreError) as excinfo:
        build_full(valid_from=datetime(2025, 1, 1))  # naive: no timezone
    assert excinfo.value.code == "MALFORMED_VALUE_ERROR"
    assert "validFrom" in excinfo.value.detail
    with pytest.raises(CoreError, match="validUntil is before validFrom"):
        build_full(valid_until="2020-01-01T00:00:00Z")


def test_endorsement_builder() -> None:
    document = build_endorsement_credential(
        credential_id="urn:uuid:endorsement-1",
        issuer=Profile(id="https://qa.example/agency", name="QA Agency"),
        endorsed_id=ACHIEVEMENT_ID,
        name="Quality assured",
        comment="Meets the agency's standards.",
        valid_from="2025-01-01T00:00:00Z",
    )
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert document["credentialSubject"] == {
        "id": ACHIEVEMENT_ID,
        "type": ["EndorsementSubject"],
        "endorsementComment": "Meets the agency's standards.",
    }
    assert EndorsementCredential.model_validate(document).to_json() == document
    assert undefined_terms(document) == []


# --- validation on construction ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        (Achievement, {"achievement_type": "Nanodegree"}, "not in AchievementType"),
        (Achievement, {"in_language": "english"}, "BCP 47"),
        (Achievement, {"endorsement_jwt": ["not-a-jws"]}, "compact JWS"),
        (Achievement, {"id": "achievements/1"}, "absolute URI"),
        (Achievement, {"type": ["Badge"]}, "type must contain 'Achievement'"),
        (Address, {"address_country_code": "ITA"}, "ISO 3166-1"),
        (Result, {"status": "ext:Done"}, "not in ResultStatusType"),
        (ResultDescription, {"result_type": "Grade"}, "not in ResultType"),
        (IdentifierEntry, {"identifier_type": "passport"}, "not in IdentifierType"),
        (Image, {"caption": "x", "alt": "extra"}, "Extra inputs are not permitted"),
        (AchievementSubject, {"id": None, "identifier": []}, "id or at least one identifier"),
        (AchievementSubject, {"activity_start_date": "2025-01-01T09:00:00"}, "DateTimeZ"),
    ],
)
def test_invalid_values_are_refused(model: type[Any], fields: dict[str, Any], message: str) -> None:
    valid: dict[type[Any], dict[str, Any]] = {
        Achievement: achievement().model_dump(by_alias=False),
        Address: {},
        Result: {},
        ResultDescription: {"id": "urn:uuid:r", "name": "Grade", "result_type": "LetterGrade"},
        IdentifierEntry: {"identifier": "1", "identifier_type": "systemId"},
        Image: {"id": "https://x.example/i.png"},
        AchievementSubject: {"id": "did:example:1", "achievement": achievement()},
    }
    model.model_validate(valid[model])  # the baseline is valid
    with pytest.raises(ValidationError, match=re.escape(message)):
        model.model_validate({**valid[model], **fields})


def test_extension_terms_are_accepted() -> None:
    assert achievement(achievement_type="ext:MicroCredentialPlus").achievement_type == (
        "ext:MicroCredentialPlus"
    )
    alignment = Alignment(target_name="x", target_url="https://x.example", target_type="CFItem")
    assert alignment.target_type == "CFItem"


def test_credential_context_order_is_enforced() -> None:
    with pytest.raises(ValidationError, match="must start with"):
        OpenBadgeCredential(
            context=[OB_CONTEXT, VC_V2_CONTEXT],
            id="urn:uuid:1",
            issuer=ISSUER_ID,
            valid_from="2025-01-01T00:00:00Z",
            credential_subject=full_subject(),
        )
    with pytest.raises(ValidationError, match=r"@context\[1\] must be the OB 3.0 context"):
        EndorsementCredential(
            context=[VC_V2_CONTEXT, "https://x.example/c"],
            id="urn:uuid:1",
            name="e",
            issuer=ISSUER_ID,
            valid_from="2025-01-01T00:00:00Z",
            credential_subject=EndorsementSubject(id=ISSUER_ID),
        )


@settings(max_examples=40, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1),
        max_value=datetime(2999, 12, 31),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-5, minutes=-30))]),
    )
)
def test_aware_datetimes_become_datetimez_of_the_same_instant(moment: datetime) -> None:
    subject = AchievementSubject(
        id="did:example:1", achievement=achievement(), activity_end_date=moment
    )
    text = subject.to_json()["activityEndDate"]
    assert datetime.fromisoformat(text.replace("Z", "+00:00")) == moment
    assert text.endswith("Z") == (moment.utcoffset() == timedelta(0))


# --- JSON-LD: nothing is silently dropped ---------------------------------------------------------


def test_full_credential_canonicalizes_without_data_loss() -> None:
    assert undefined_terms(build_full()) == []


def test_eu_extension_terms_need_their_context() -> None:
    subject = full_subject()
    subject.achievement = achievement(eqfLevel=5, ectsCredits=3.0)
    with_context = build_full(subject=subject, extra_contexts=[EU_TERMS_CONTEXT])
    assert with_context["credentialSubject"]["achievement"]["eqfLevel"] == 5
    assert undefined_terms(with_context) == []
    without_context = build_full(subject=subject)
    assert undefined_terms(without_context) == ["ectsCredits", "eqfLevel"]


def test_schema_type_needs_the_extensions_context() -> None:
    document = build_full()
    document["@context"] = [VC_V2_CONTEXT, OB_CONTEXT]
    assert undefined_terms(document) == ["1EdTechJsonSchemaValidator2019"]
