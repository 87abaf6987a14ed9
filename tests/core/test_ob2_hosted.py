"""Open Badges 2.0 hosted assertions: the issuer's server is the source of truth."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from credex.core.ob2 import is_ob2, summarize_ob2
from tests.core.factories import ob_credential
from tests.core.ob2_factories import ANA, GONE, Ob2Issuer, detail, hashed_email, outcomes, verify


@pytest.fixture
def issuer() -> Ob2Issuer:
    return Ob2Issuer("https://badges.example").everything()


def test_a_hosted_assertion_verifies_against_the_issuers_copy(issuer: Ob2Issuer) -> None:
    report = verify(issuer, issuer.assertion())
    assert report.verified is True, report.to_dict()
    assert outcomes(report) == {
        "format": "passed",
        "badge_class": "passed",
        "issuer": "passed",
        "proof": "passed",
        "origin": "passed",
        "status": "passed",
        "validity": "passed",
        "recipient": "passed",
    }
    body = report.to_dict()
    assert (body["format"], body["method"], body["verified"]) == ("ob2", "hosted", True)
    summary = summarize_ob2(report)
    assert summary is not None
    assert (summary.assertion_id, summary.issuer_id) == (
        "https://badges.example/assertions/1",
        "https://badges.example/issuer",
    )
    assert (summary.badge_class_id, summary.badge_class_name) == (
        issuer.badge_id,
        "Archive research",
    )
    assert summary.issued_on == datetime(2026, 1, 15, 10, tzinfo=UTC)
    assert (summary.frameworks, summary.codes) == (["Heritage skills"], ["IL.2"])


def test_the_url_of_a_hosted_assertion_and_json_text_are_accepted(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    assert verify(issuer, assertion["id"]).verified is True
    assert verify(issuer, json.dumps(assertion, indent=2).encode()).verified is True


@pytest.mark.parametrize(
    ("recipient", "email", "matches"),
    [
        (
            {"identity": hashed_email(ANA), "salt": "deadsea", "hashed": True},
            "ANA@example.org ",
            True,
        ),
        ({"identity": hashed_email(ANA, algorithm="md5"), "salt": "deadsea"}, ANA, True),
        ({"identity": hashed_email(ANA)}, ANA, False),  # salted, but the salt is withheld
        ({"identity": "Ana@Example.org", "hashed": False}, ANA, True),
        ({"identity": hashed_email("eve@example.org"), "salt": "deadsea"}, ANA, False),
    ],
)
def test_the_recipient_must_be_the_learner(
    issuer: Ob2Issuer, recipient: dict[str, Any], email: str, matches: bool
) -> None:
    report = verify(issuer, issuer.assertion(recipient={"type": "email"} | recipient), email)
    assert outcomes(report)["recipient"] == ("passed" if matches else "failed")
    assert report.verified is matches


def test_upper_case_hex_of_the_right_hash_matches(issuer: Ob2Issuer) -> None:
    algorithm, _, digest = hashed_email(ANA).partition("$")
    recipient = {"type": "email", "hashed": True, "identity": f"{algorithm}${digest.upper()}"}
    recipient["salt"] = "deadsea"
    assert verify(issuer, issuer.assertion(recipient=recipient)).verified is True


def test_a_recipient_that_is_not_an_email_does_not_match(issuer: Ob2Issuer) -> None:
    recipient = {"type": "url", "hashed": False, "identity": "https://ana.example"}
    report = verify(issuer, issuer.assertion(recipient=recipient))
    assert outcomes(report)["recipient"] == "failed"
    assert "not an email" in detail(report, "recipient")


def test_without_an_email_the_recipient_is_not_compared(issuer: Ob2Issuer) -> None:
    report = verify(issuer, issuer.assertion(), email=None)
    assert report.verified is True
    assert outcomes(report)["recipient"] == "skipped"


def test_a_revoked_hosted_assertion_fails(issuer: Ob2Issuer) -> None:
    given = issuer.assertion()
    issuer.publish({"id": given["id"], "revoked": True, "revocationReason": "Awarded in error"})
    report = verify(issuer, given)
    assert report.verified is False
    assert outcomes(report)["status"] == "failed"
    assert "Awarded in error" in detail(report, "status")


def test_410_gone_means_revoked(issuer: Ob2Issuer) -> None:
    given = issuer.assertion()
    issuer.documents[given["id"]] = GONE
    report = verify(issuer, given)
    assert (outcomes(report)["proof"], outcomes(report)["status"]) == ("failed", "failed")
    assert "410 Gone" in detail(report, "status")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("recipient", {"type": "email", "hashed": False, "identity": ANA}),
        ("badge", "https://badges.example/badges/2"),
        ("issuedOn", "2026-01-16T10:00:00+00:00"),
    ],
)
def test_a_copy_in_hand_must_match_the_hosted_copy(
    issuer: Ob2Issuer, field: str, value: Any
) -> None:
    given = issuer.assertion() | {field: value}
    report = verify(issuer, given)
    assert report.verified is False
    assert outcomes(report)["proof"] == "failed"
    assert f"differs from the issuer's hosted copy in {field}" in detail(report, "proof")


def test_the_hosted_copy_is_what_the_checks_read(issuer: Ob2Issuer) -> None:
    """A copy in hand that adds a far expiry cannot extend the issuer's (expired) one."""
    hosted = issuer.assertion(expires="2026-02-01T00:00:00Z")
    given = hosted | {"expires": "2099-01-01T00:00:00Z"}
    report = verify(issuer, given)
    assert outcomes(report)["validity"] == "failed"
    assert report.assertion == hosted


def test_an_assertion_outside_the_issuers_origin_fails(issuer: Ob2Issuer) -> None:
    elsewhere = Ob2Issuer("https://evil.example", key=issuer.key)
    given = elsewhere.assertion(badge=issuer.badge_id)  # the real BadgeClass, hosted elsewhere
    issuer.documents |= elsewhere.documents
    report = verify(issuer, given)
    assert report.verified is False
    assert outcomes(report)["proof"] == "passed"
    assert outcomes(report)["origin"] == "failed"
    assert "badges.example" in detail(report, "origin")


@pytest.mark.parametrize(
    ("policy", "inside"),
    [
        ({"allowedOrigins": "cdn.example"}, True),
        ({"allowedOrigins": ["other.example"]}, False),
        ({"startsWith": "https://cdn.example/academy/"}, True),
        ({"startsWith": ["https://cdn.example/other/"]}, False),
        ({"startsWith": "https://cdn.example/academy/", "allowedOrigins": "x.example"}, False),
    ],
)
def test_the_issuers_verification_policy_sets_the_scope(
    issuer: Ob2Issuer, policy: dict[str, Any], inside: bool
) -> None:
    issuer.profile(verification={"type": "VerificationObject"} | policy)
    cdn = Ob2Issuer("https://cdn.example/academy", key=issuer.key)
    given = cdn.assertion(badge=issuer.badge_id)
    issuer.documents |= cdn.documents
    report = verify(issuer, given)
    assert outcomes(report)["origin"] == ("passed" if inside else "failed")


def test_documents_that_cannot_be_fetched_leave_the_checks_undecided(issuer: Ob2Issuer) -> None:
    given = issuer.assertion()
    del issuer.documents[given["id"]]
    report = verify(issuer, given)
    assert report.verified is False
    assert (outcomes(report)["proof"], outcomes(report)["status"]) == ("error", "error")
    assert not [c for c in report.checks if c.outcome == "failed"]
    del issuer.documents[issuer.badge_id]
    report = verify(issuer, given)
    assert outcomes(report)["badge_class"] == "error"
    assert not [c for c in report.checks if c.outcome == "failed"]


def test_an_embedded_badge_class_is_replaced_by_the_one_at_its_id(issuer: Ob2Issuer) -> None:
    forged = issuer.documents[issuer.badge_id] | {"name": "Forged", "issuer": "https://x.example"}
    given = issuer.assertion(badge=forged)
    report = verify(issuer, given)
    assert report.verified is True
    assert report.badge_class is not None
    assert report.badge_class["name"] == "Archive research"


def test_a_document_that_names_another_id_is_refused(issuer: Ob2Issuer) -> None:
    issuer.documents[issuer.badge_id] = issuer.documents[issuer.badge_id] | {
        "id": "https://badges.example/badges/9"
    }
    report = verify(issuer, issuer.assertion())
    assert outcomes(report)["badge_class"] == "failed"
    assert "names itself" in detail(report, "badge_class")


@pytest.mark.parametrize(
    ("dates", "problem"),
    [
        ({"expires": "2026-02-01T00:00:00Z"}, "expired on 2026-02-01"),
        ({"issuedOn": "2026-04-01T00:00:00Z"}, "issued in the future"),
    ],
)
def test_expired_or_future_assertions_fail(
    issuer: Ob2Issuer, dates: dict[str, str], problem: str
) -> None:
    report = verify(issuer, issuer.assertion(**dates))
    assert outcomes(report)["validity"] == "failed"
    assert problem in detail(report, "validity")


@pytest.mark.parametrize(
    ("broken", "pointer"),
    [
        ({"@context": "https://example.org/ctx"}, "/@context"),
        ({"type": "Badge"}, "/type"),
        ({"id": "not an iri"}, "/id"),
        ({"recipient": {"identity": ANA}}, "/recipient/type"),
        ({"recipient": {"type": "email", "identity": ANA, "hashed": "true"}}, "/recipient/hashed"),
        ({"badge": 5}, "/badge"),
        ({"verification": {"type": "blockchain"}}, "/verification"),
        ({"issuedOn": "yesterday"}, "/issuedOn"),
        ({"expires": 1700000000}, "/expires"),
    ],
)
def test_malformed_assertions_fail_the_format_check(
    issuer: Ob2Issuer, broken: dict[str, Any], pointer: str
) -> None:
    report = verify(issuer, issuer.assertion(publish=False) | broken)
    assert outcomes(report) == {"format": "failed"}
    assert pointer in detail(report, "format")


def test_unreadable_input_fails_the_format_check(issuer: Ob2Issuer) -> None:
    assert outcomes(verify(issuer, "no badge here")) == {"format": "failed"}
    assert outcomes(verify(issuer, b"\xff\xfe")) == {"format": "failed"}
    assert outcomes(verify(issuer, "[1, 2]")) == {"format": "failed"}
    assert outcomes(verify(issuer, "https://badges.example/nothing")) == {"format": "error"}


def test_open_badges_2_is_recognised_and_3_is_not(issuer: Ob2Issuer) -> None:
    assertion = issuer.assertion()
    assert is_ob2(assertion)
    assert is_ob2(json.dumps(assertion))
    assert is_ob2(issuer.signed())
    assert not is_ob2(ob_credential("did:example:1"))
    assert not is_ob2(json.dumps(ob_credential("did:example:1")))
    assert not is_ob2("https://badges.example/assertions/1")
