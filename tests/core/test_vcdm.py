"""Rule-by-rule tests of VC DM 2.0 / 1.1 structural validation and dateTimeStamp parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credex.core.datetimes import parse_datetime_stamp, parse_time_as_utc_if_naive
from credex.core.vcdm import (
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    is_url,
    validate_credential,
    validate_presentation,
    validity_window,
    vc_version,
)

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
DROP = object()  # marks a field to remove from the template


def credential(**fields: Any) -> dict[str, Any]:
    """A minimal valid VC DM 2.0 credential with `fields` replaced (or dropped with DROP)."""
    doc: dict[str, Any] = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }
    doc.update(fields)
    return {key: value for key, value in doc.items() if value is not DROP}


def credential_v1(**fields: Any) -> dict[str, Any]:
    return credential(**{"@context": [V1], "issuanceDate": "2020-01-01T00:00:00Z", **fields})


def presentation(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": [V2], "type": ["VerifiablePresentation"], **fields}
    return {key: value for key, value in doc.items() if value is not DROP}


def pointers(problems: list[Any]) -> list[str]:
    return [problem.pointer for problem in problems]


# --- documents and versions -------------------------------------------------------------------


def test_minimal_credentials_of_both_versions_conform() -> None:
    assert validate_credential(credential()) == []
    assert validate_credential(credential_v1()) == []
    assert validate_credential(credential_v1(**{"@context": V1})) == []


@pytest.mark.parametrize("doc", [None, "{}", 3, ["VerifiableCredential"]])
def test_a_non_object_is_a_parsing_error(doc: object) -> None:
    for validate in (validate_credential, validate_presentation):
        [problem] = validate(doc)
        assert (problem.code, problem.pointer) == (PARSING_ERROR, "")


def test_every_other_problem_is_a_malformed_value_with_a_detail() -> None:
    problems = validate_credential({"type": 1, "issuer": None, "validFrom": "soon"})
    assert pointers(problems) == [
        "/@context",
        "/type",  # not a string
        "/type",  # lacks VerifiableCredential
        "/issuer",
        "/credentialSubject",
        "/validFrom",
    ]
    assert all(p.code == MALFORMED_VALUE_ERROR and len(p.detail) > 10 for p in problems)


@pytest.mark.parametrize(
    ("contexts", "version"),
    [([V2], "2.0"), ([V2, EXAMPLES], "2.0"), ([V1], "1.1"), (V1, "1.1"), ([EXAMPLES, V2], None)],
)
def test_vc_version_is_named_by_the_first_context(contexts: object, version: str | None) -> None:
    assert vc_version({"@context": contexts}) == version
    assert vc_version({}) is None


# --- @context ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contexts", "pointer"),
    [
        (DROP, "/@context"),
        ([], "/@context"),
        ({"@vocab": "https://example.org/#"}, "/@context"),
        ([EXAMPLES], "/@context/0"),
        ([42, V2], "/@context/0"),
        ([{"ex": "https://example.org/#"}, V2], "/@context/0"),
        ([V2, "https ://not-a-url/v1"], "/@context/1"),
        ([V2, "contexts/relative.jsonld"], "/@context/1"),
        ([V2, 42], "/@context/1"),
        ([V2, None], "/@context/1"),
        ([V2, ["https://example.org/nested"]], "/@context/1"),
    ],
)
def test_context_must_start_with_the_base_context_then_hold_urls_or_objects(
    contexts: object, pointer: str
) -> None:
    assert pointers(validate_credential(credential(**{"@context": contexts}))) == [pointer]


def test_inline_context_terms_must_map_to_absolute_iris() -> None:
    bad = {"Ex": {"@id": "https ://not-a-url#Ex"}, "a/b": "not a url:x"}
    problems = validate_credential(credential(**{"@context": [V2, bad]}))
    assert pointers(problems) == ["/@context/1/Ex", "/@context/1/a~1b"]


def test_protected_terms_cannot_be_redefined_but_may_be_repeated() -> None:
    protected = {"@protected": True, "Ex": "https://example.org/#Ex"}
    same = credential(**{"@context": [V2, protected, {"Ex": {"@id": "https://example.org/#Ex"}}]})
    other = credential(**{"@context": [V2, protected, {"Ex": "https://example.org/#Other"}]})
    assert validate_credential(same) == []
    assert pointers(validate_credential(other)) == ["/@context/2/Ex"]


def test_base_context_terms_are_protected_unless_unprotected_locally() -> None:
    redefined = credential(**{"@context": [V2, {"name": "https://example.org/#name"}]})
    assert pointers(validate_credential(redefined)) == ["/@context/1/name"]
    opt_out = {"@protected": True, "Ex": {"@id": "https://example.org/#Ex", "@protected": False}}
    later = credential(**{"@context": [V2, opt_out, {"Ex": "https://example.org/#Other"}]})
    assert validate_credential(later) == []


# --- id and type ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/credentials/1",
        "http://localhost:8000/c/1",
        "http://[::1]:8080/x",
        "urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008",
        "did:key:z6Mk#z6Mk",
        "data:application/vc+jwt,eyJ",
        "https://example.org/caf%C3%A9",
        "https://example.org/café",
    ],
)
def test_urls_of_any_scheme_are_accepted(value: str) -> None:
    assert is_url(value)
    assert validate_credential(credential(id=value)) == []


@pytest.mark.parametrize(
    "value",
    [
        "https ://not-a-url/1",
        "fake-issuer",
        "/relative/path",
        "https:",
        "https://",
        "http:example.org",
        "https://exa mple.org/",
        "https://example.org/<script>",
        "https://example.org/%zz",
        "1urn:x",
        "",
        None,
        42,
    ],
)
def test_non_urls_are_rejected_as_ids(value: object) -> None:
    assert not is_url(value)
    assert pointers(validate_credential(credential(id=value))) == ["/id"]


def test_id_must_be_a_single_url() -> None:
    doc = credential(id=["https://example.org/1", "https://example.org/2"])
    assert "single URL" in validate_credential(doc)[0].detail


@pytest.mark.parametrize(
    ("types", "pointer"),
    [
        (DROP, "/type"),
        ([], "/type"),
        ("ExampleCredential", "/type"),
        (["VerifiableCredential", 7], "/type/1"),
        (["VerifiableCredential", "Example Type with space"], "/type/1"),
        (["VerifiableCredential", "./Relative"], "/type/1"),
        (["VerifiableCredential", "UndefinedTerm"], "/type/1"),
        (["VerifiableCredential", "https ://example.org/#T"], "/type/1"),
    ],
)
def test_type_holds_verifiable_credential_and_terms_or_urls(types: object, pointer: str) -> None:
    problems = validate_credential(credential(type=types))
    assert set(pointers(problems)) == {pointer}


@pytest.mark.parametrize(
    ("contexts", "types"),
    [
        ([V2], "VerifiableCredential"),
        ([V2], ["https://www.w3.org/2018/credentials#VerifiableCredential"]),
        ([V2], ["VerifiableCredential", "https://example.org/#Ex"]),
        ([V2, {"Ex": "https://example.org/#Ex"}], ["VerifiableCredential", "Ex"]),
        ([V2, {"@vocab": "https://example.org/#"}], ["VerifiableCredential", "Ex"]),
        ([V2, EXAMPLES], ["VerifiableCredential", "ExampleDegreeCredential"]),
    ],
)
def test_type_terms_defined_by_a_context_are_accepted(contexts: list[Any], types: object) -> None:
    assert validate_credential(credential(**{"@context": contexts, "type": types})) == []


def test_shipped_contexts_are_read_and_unshipped_ones_may_define_anything() -> None:
    typed = ["VerifiableCredential", "Ex"]
    unshipped = credential(**{"@context": [V2, "https://example.org/contexts/v1"]}, type=typed)
    assert validate_credential(unshipped) == []
    status = "https://www.w3.org/ns/credentials/status/v1"
    shipped = credential(**{"@context": [V2, status]}, type=typed)
    assert pointers(validate_credential(shipped)) == ["/type/1"]
    vocab_reset = credential(**{"@context": [V2, EXAMPLES, {"@vocab": None}]}, type=typed)
    assert pointers(validate_credential(vocab_reset)) == ["/type/1"]


def test_vocab_null_leaves_undefined_terms_unmapped() -> None:
    doc = credential(
        **{"@context": [V2, {"@vocab": "https://example.org/#"}, {"@vocab": None}]},
        type=["VerifiableCredential", "Ex"],
    )
    assert pointers(validate_credential(doc)) == ["/type/1"]


# --- issuer, names, subjects ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issuer", "pointer"),
    [
        (DROP, "/issuer"),
        (None, "/issuer"),
        (["did:example:a"], "/issuer"),
        ("issuer-name", "/issuer"),
        ({}, "/issuer/id"),
        ({"name": "Example University"}, "/issuer/id"),
        ({"id": None}, "/issuer/id"),
        ({"id": "did:example:a", "type": "Undefined Profile"}, "/issuer/type"),
        ({"id": "did:example:a", "name": {"@value": "X", "url": "u"}}, "/issuer/name/url"),
    ],
)
def test_issuer_is_a_url_or_an_object_with_an_id_url(issuer: object, pointer: str) -> None:
    assert pointers(validate_credential(credential(issuer=issuer))) == [pointer]


@pytest.mark.parametrize(
    "value",
    [
        "Example Degree",
        {"@value": "Example Degree"},
        {"@value": "Diplôme", "@language": "fr-CA", "@direction": "ltr"},
        [
            {"@value": "Dog", "@language": "en"},
            {"@value": "كلب", "@language": "ar", "@direction": "rtl"},
        ],
    ],
)
def test_names_and_descriptions_accept_strings_and_language_values(value: object) -> None:
    assert validate_credential(credential(name=value, description=value)) == []
    assert validate_credential(credential(issuer={"id": "did:example:a", "name": value})) == []


@pytest.mark.parametrize(
    ("value", "pointer"),
    [
        ({"@value": "X", "@language": "en", "url": "did:example:x"}, "/name/url"),
        ({"@language": "en"}, "/name/@value"),
        ({"@value": 3}, "/name/@value"),
        ({"@value": "X", "@language": "not a tag"}, "/name/@language"),
        ({"@value": "X", "@direction": "up"}, "/name/@direction"),
        (["ok", 5], "/name/1"),
        ([], "/name"),
        (12, "/name"),
    ],
)
def test_names_reject_malformed_language_values(value: object, pointer: str) -> None:
    assert pointers(validate_credential(credential(name=value))) == [pointer]


@pytest.mark.parametrize(
    ("subject", "pointer"),
    [
        (DROP, "/credentialSubject"),
        ({}, "/credentialSubject"),
        ([], "/credentialSubject"),
        ("did:example:subject", "/credentialSubject"),
        ([{"id": "did:example:a"}, "did:example:b"], "/credentialSubject/1"),
        ({"id": ["did:example:a", "did:example:b"]}, "/credentialSubject/id"),
        ({"id": "subject one"}, "/credentialSubject/id"),
        ({"id": "did:example:a", "type": "Unmapped"}, "/credentialSubject/type"),
    ],
)
def test_subjects_are_objects_that_make_claims(subject: object, pointer: str) -> None:
    assert pointers(validate_credential(credential(credentialSubject=subject))) == [pointer]


def test_a_subject_with_claims_and_no_id_conforms() -> None:
    doc = credential(credentialSubject=[{"id": "did:example:a"}, {"name": "Alice"}])
    assert validate_credential(doc) == []


# --- validity period --------------------------------------------------------------------------


def test_validity_period_must_be_ordered_datetime_stamps() -> None:
    ordered = credential(validFrom="2024-01-01T00:00:00Z", validUntil="2024-01-01T01:00:00+01:00")
    assert validate_credential(ordered) == []
    reversed_ = credential(validFrom="2025-01-01T00:00:00Z", validUntil="2024-01-01T00:00:00Z")
    assert pointers(validate_credential(reversed_)) == ["/validUntil"]
    no_offset = credential(validFrom="2024-01-01T00:00:00")
    assert pointers(validate_credential(no_offset)) == ["/validFrom"]
    assert "time zone" in validate_credential(no_offset)[0].detail


def test_vcdm_1_1_needs_an_issuance_date_and_rfc3339_dates() -> None:
    assert pointers(validate_credential(credential_v1(issuanceDate=DROP))) == ["/issuanceDate"]
    late = credential_v1(expirationDate="2030-02-30T00:00:00Z")
    assert pointers(validate_credential(late)) == ["/expirationDate"]


def test_validity_window_reads_the_version_specific_dates() -> None:
    start, end = datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    v2 = credential(validFrom="2024-01-01T00:00:00Z", validUntil="2025-01-01T00:00:00Z")
    v1 = credential_v1(issuanceDate="2024-01-01T00:00:00Z", expirationDate="2025-01-01T00:00:00Z")
    assert validity_window(v2) == (start, end)
    assert validity_window(v1) == (start, end)
    assert validity_window(credential()) == (None, None)
    assert validity_window(credential(validUntil="2025-01-01T00:00:00")) == (None, end)
    with pytest.raises(ValueError, match="not an XML Schema dateTime"):
        validity_window(credential(validFrom="yesterday"))


# --- status, schemas, evidence, terms of use, refresh, proof, related resources ---------------


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("credentialStatus", {"id": "https://example.org/s#1"}, "/credentialStatus/type"),
        ("credentialStatus", {"type": ["BitstringStatusListEntry", 2]}, "/credentialStatus/type/1"),
        (
            "credentialStatus",
            [{"type": "BitstringStatusListEntry"}, {}],
            "/credentialStatus/1/type",
        ),
        ("credentialStatus", "https://example.org/status/1", "/credentialStatus"),
        ("credentialSchema", {"type": "JsonSchema"}, "/credentialSchema/id"),
        ("credentialSchema", [{"id": "https://example.org/s.json"}], "/credentialSchema/0/type"),
        ("evidence", [{}], "/evidence/0/type"),
        ("evidence", {"id": "not a url", "type": "https://example.org/#E"}, "/evidence/id"),
        ("termsOfUse", {"id": "https://example.org/tou"}, "/termsOfUse/type"),
        ("refreshService", {"id": "https://example.org/refresh"}, "/refreshService/type"),
        ("proof", "z58DAdFfa9SkqZMVPxAQpic7ndSayn1PzZs6ZjWp1CktyGesjuTSwRdoWhAfGFCF", "/proof"),
        (
            "proof",
            [{"type": "DataIntegrityProof"}, {"cryptosuite": "eddsa-rdfc-2022"}],
            "/proof/1/type",
        ),
    ],
)
def test_typed_objects_need_a_type_and_url_ids(field: str, value: object, pointer: str) -> None:
    assert pointers(validate_credential(credential(**{field: value}))) == [pointer]


def test_typed_objects_of_a_conforming_credential() -> None:
    doc = credential(
        credentialStatus=[
            {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            {"id": "https://example.org/s#9", "type": "https://example.org/#Status"},
        ],
        credentialSchema={"id": "https://example.org/schema.json", "type": "JsonSchema"},
        proof=[{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}],
    )
    assert validate_credential(doc) == []


def test_vcdm_1_1_requires_ids_on_status_and_refresh_service() -> None:
    status = {"type": "https://example.org/#Status"}
    refresh = {"type": "https://example.org/#Refresh"}
    assert validate_credential(credential(credentialStatus=status)) == []
    doc = credential_v1(credentialStatus=status, refreshService=refresh)
    assert pointers(validate_credential(doc)) == ["/credentialStatus/id", "/refreshService/id"]


V2_SRI = "sha384-l/HrjlBCNWyAX91hr6LFV2Y3heB5Tcr6IeE4/Tje8YyzYBM8IhqjHWiWpr8+ZbYU"
V2_MULTIBASE = "uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA"


def test_related_resources_need_unique_ids_and_a_digest() -> None:
    good = [{"id": V2, "digestSRI": V2_SRI}, {"id": EXAMPLES, "digestMultibase": V2_MULTIBASE}]
    assert validate_credential(credential(relatedResource=good)) == []
    bad = [
        {"id": V2, "digestSRI": "md5-abc"},
        {"id": V2, "digestMultibase": "x123"},
        {"digestSRI": V2_SRI},
        {"id": EXAMPLES},
    ]
    assert pointers(validate_credential(credential(relatedResource=bad))) == [
        "/relatedResource/0/digestSRI",
        "/relatedResource/1/id",
        "/relatedResource/1/digestMultibase",
        "/relatedResource/2/id",
        "/relatedResource/3",
    ]


# --- presentations ----------------------------------------------------------------------------


def test_minimal_presentations_conform() -> None:
    assert validate_presentation(presentation()) == []
    with_all = presentation(
        id="urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        holder={"id": "did:example:holder"},
        verifiableCredential=credential(),
        termsOfUse={"type": "https://example.org/#HolderPolicy"},
        proof={"type": "DataIntegrityProof", "challenge": "abc"},
    )
    assert validate_presentation(with_all) == []


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"type": ["VerifiableCredential"]}, "/type"),
        ({"@context": [EXAMPLES, V2]}, "/@context/0"),
        ({"id": "not a url"}, "/id"),
        ({"holder": "holder"}, "/holder"),
        ({"holder": {"name": "Acme"}}, "/holder/id"),
        ({"verifiableCredential": []}, "/verifiableCredential"),
        ({"verifiableCredential": ["eyJhbGciOiJFUzI1NiJ9.e30.sig"]}, "/verifiableCredential/0"),
        ({"verifiableCredential": [credential(), 42]}, "/verifiableCredential/1"),
        ({"proof": ["z58DAd"]}, "/proof/0"),
        ({"termsOfUse": {}}, "/termsOfUse/type"),
    ],
)
def test_presentation_rules(fields: dict[str, Any], pointer: str) -> None:
    assert pointers(validate_presentation(presentation(**fields))) == [pointer]


def test_embedded_credentials_are_validated_with_prefixed_pointers() -> None:
    vp = presentation(
        verifiableCredential=[
            credential_v1(),
            credential(issuer=DROP, validFrom="2024-01-01"),
        ]
    )
    assert pointers(validate_presentation(vp)) == [
        "/verifiableCredential/1/issuer",
        "/verifiableCredential/1/validFrom",
    ]


ENVELOPE = {
    "@context": V2,
    "type": "EnvelopedVerifiableCredential",
    "id": "data:application/vc+jwt,eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln",
}


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"@context": DROP}, "/verifiableCredential/0/@context"),
        ({"@context": [EXAMPLES]}, "/verifiableCredential/0/@context"),
        ({"type": DROP}, "/verifiableCredential/0/type"),
        ({"id": "data:application/vc+jwt;eyJhbGciOiJFUzI1NiJ9"}, "/verifiableCredential/0/id"),
        ({"id": "data:,eyJ"}, "/verifiableCredential/0/id"),
        ({"id": "https://example.org/vc.jwt"}, "/verifiableCredential/0/id"),
    ],
)
def test_enveloped_credentials_need_context_type_and_data_url(
    changes: dict[str, Any], pointer: str
) -> None:
    envelope = {key: value for key, value in {**ENVELOPE, **changes}.items() if value is not DROP}
    assert validate_presentation(presentation(verifiableCredential=[ENVELOPE])) == []
    assert pointers(validate_presentation(presentation(verifiableCredential=[envelope]))) == [
        pointer
    ]


# --- dateTimeStamp ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        ("2024-06-30T12:30:00+02:00", datetime(2024, 6, 30, 10, 30, tzinfo=UTC)),
        ("2023-02-25T19:10:39-06:00", datetime(2023, 2, 26, 1, 10, 39, tzinfo=UTC)),
        ("2023-02-26T01:02:58.447Z", datetime(2023, 2, 26, 1, 2, 58, 447000, tzinfo=UTC)),
        ("2023-02-26T01:02:58.1234567Z", datetime(2023, 2, 26, 1, 2, 58, 123456, tzinfo=UTC)),
        ("2024-12-31T24:00:00Z", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2024-02-29T23:59:59+14:00", datetime(2024, 2, 29, 9, 59, 59, tzinfo=UTC)),
        ("4023-02-26T01:02:58.447Z", datetime(4023, 2, 26, 1, 2, 58, 447000, tzinfo=UTC)),
    ],
)
def test_parse_datetime_stamp(text: str, expected: datetime) -> None:
    parsed = parse_datetime_stamp(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01T00:00:00",  # no offset
        "2024-13-01T00:00:00Z",  # month 13
        "2023-02-29T00:00:00Z",  # not a leap year
        "2024-04-31T00:00:00Z",
        "2024-01-01T00:00:60Z",  # leap seconds are not dateTime values
        "2024-01-01T24:00:01Z",
        "2024-01-01 00:00:00Z",
        "2024-01-01t00:00:00z",
        "2024-01-01T00:00Z",
        "2024-01-01T00:00:00+14:30",
        "2024-01-01T00:00:00+0200",
        "2024-01-01T00:00:00.Z",
        "2024-01-01",
        "10000-01-01T00:00:00Z",  # valid XML Schema, beyond Python's datetime
        "-0001-01-01T00:00:00Z",
        "2024-01-01T00:00:00Z\n",
        "２０２４-01-01T00:00:00Z",
        "Sat 25 Feb 2023 07:16:31 PM CST",
        "",
    ],
)
def test_parse_datetime_stamp_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"dateTime|offset|date-time"):
        parse_datetime_stamp(text)


def test_parse_datetime_stamp_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        parse_datetime_stamp(20240101)  # type: ignore[arg-type]


def test_a_time_without_offset_is_read_as_utc_only_when_asked() -> None:
    assert parse_time_as_utc_if_naive("2024-01-01T08:00:00") == datetime(2024, 1, 1, 8, tzinfo=UTC)
    assert parse_time_as_utc_if_naive("2024-01-01T08:00:00+08:00") == datetime(
        2024, 1, 1, tzinfo=UTC
    )


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=offsets
    )
)
def test_isoformat_round_trips_through_parse_datetime_stamp(moment: datetime) -> None:
    text = moment.isoformat()
    parsed = parse_datetime_stamp(text)
    assert parsed == moment
    assert parsed.utcoffset() == moment.utcoffset()
