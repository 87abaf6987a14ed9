"""Recipient identity: the OB IdentityHash vector, e-mail identity objects and matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credex.core.credentials.identity import (
    email_identity_object,
    hash_identity,
    identity_matches,
    normalize_email,
)
from credex.core.credentials.ob3 import IdentityObject
from credex.core.errors import CoreError

# OB 3.0 §IdentityHash example; md5 of the same input computed independently (coreutils md5sum).
SPEC_HASH = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
SPEC_MD5 = "md5$ddd142639a792e74751ee7e129237efa"
# SHA-256 of the empty string (FIPS 180-2 test value).
EMPTY_SHA256 = "sha256$e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def hashed(identity_hash: str, salt: str | None = "Kosher", kind: str = "emailAddress") -> dict:
    return {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": identity_hash,
        "identityType": kind,
        "salt": salt,
    }


def test_spec_vector() -> None:
    assert hash_identity("a@example.com", "Kosher") == SPEC_HASH


def test_no_salt_hashes_the_identifier_alone() -> None:
    assert hash_identity("", None) == EMPTY_SHA256


def test_normalize_email_trims_and_lower_cases_both_parts() -> None:
    assert normalize_email("  Alice.Smith@Example.COM\n") == "alice.smith@example.com"


@pytest.mark.parametrize("bad", ["", "alice", "@example.com", "alice@", "al ice@example.com"])
def test_normalize_email_refuses_non_addresses(bad: str) -> None:
    with pytest.raises(CoreError) as excinfo:
        normalize_email(bad)
    assert excinfo.value.code == "MALFORMED_VALUE_ERROR"


def test_email_identity_object_shape_and_fresh_salts() -> None:
    first = email_identity_object("Alice@Example.com")
    second = email_identity_object("Alice@Example.com")
    assert set(first) == {"type", "hashed", "identityHash", "identityType", "salt"}
    assert first["type"] == "IdentityObject"
    assert first["hashed"] is True
    assert first["identityType"] == "emailAddress"
    assert len(first["salt"]) == 32
    assert first["salt"] != second["salt"]
    assert first["identityHash"] == hash_identity("alice@example.com", first["salt"])
    IdentityObject.model_validate(first)  # fits the OB model (no extra keys)


def test_email_identity_object_with_given_salt_matches_spec() -> None:
    assert email_identity_object("A@Example.com", "Kosher")["identityHash"] == SPEC_HASH


@pytest.mark.parametrize("value", ["a@example.com", " A@EXAMPLE.COM ", "a@Example.com"])
def test_hashed_email_matches_case_insensitively(value: str) -> None:
    assert identity_matches(hashed(SPEC_HASH), value)
    assert identity_matches(hashed(SPEC_MD5), value)


def test_issuer_that_hashed_mixed_case_still_matches() -> None:
    mixed = hash_identity("Alice@Example.com", "pepper")
    assert identity_matches(hashed(mixed, "pepper"), "Alice@Example.com")


@pytest.mark.parametrize("value", ["b@example.com", "a@example.co", "a@example.comKosher"])
def test_hashed_email_rejects_other_values(value: str) -> None:
    assert not identity_matches(hashed(SPEC_HASH), value)


def test_hash_hex_case_and_algorithm_case_are_ignored() -> None:
    assert identity_matches(hashed(SPEC_HASH.upper().replace("SHA256", "sha256")), "a@example.com")
    assert identity_matches(hashed("SHA256" + SPEC_HASH[6:]), "a@example.com")


@pytest.mark.parametrize(
    "identity_hash",
    ["sha1$0000", "b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"],
)
def test_unknown_or_missing_algorithm_does_not_match(identity_hash: str) -> None:
    assert not identity_matches(hashed(identity_hash), "a@example.com")


def test_wrong_salt_does_not_match() -> None:
    assert not identity_matches(hashed(SPEC_HASH, salt="kosher"), "a@example.com")
    assert not identity_matches(hashed(SPEC_HASH, salt=None), "a@example.com")


def test_plaintext_email_from_the_spec_sample_matches_case_insensitively() -> None:
    plain = {
        "type": "IdentityObject",
        "identityHash": "student@1edtech.edu",
        "identityType": "emailAddress",
        "hashed": False,
        "salt": "not-used",
    }
    assert identity_matches(plain, "Student@1EdTech.edu")
    assert not identity_matches(plain, "other@1edtech.edu")


def test_plaintext_other_identifiers_are_case_sensitive() -> None:
    plain = {"type": "IdentityObject", "identityHash": "AB-12", "identityType": "sourcedId"}
    assert identity_matches({**plain, "hashed": False}, "AB-12")
    assert not identity_matches({**plain, "hashed": False}, "ab-12")


def test_identity_type_must_agree_when_given() -> None:
    assert identity_matches(hashed(SPEC_HASH), "a@example.com", identity_type="emailAddress")
    assert not identity_matches(hashed(SPEC_HASH), "a@example.com", identity_type="userName")


def test_missing_hash_does_not_match() -> None:
    assert not identity_matches({"type": "IdentityObject", "hashed": True}, "a@example.com")


@settings(max_examples=50, deadline=None)
@given(
    local=st.from_regex(r"[A-Za-z0-9._%+-]{1,20}", fullmatch=True),
    domain=st.from_regex(r"[A-Za-z0-9-]{1,15}\.[A-Za-z]{2,6}", fullmatch=True),
    salt=st.text(max_size=20),
)
def test_generated_identities_match_their_address_in_any_case(
    local: str, domain: str, salt: str
) -> None:
    email = f"{local}@{domain}"
    identity = email_identity_object(email, salt)
    assert identity_matches(identity, email.upper())
    assert identity_matches(identity, email.lower())
    assert not identity_matches(identity, "x" + email)
