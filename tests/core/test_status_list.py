"""Bitstring Status List v1.0 (and legacy StatusList2021): bits, encoding, builders, validation."""

from __future__ import annotations

import base64
import gzip
import json
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credex.core.errors import CoreError
from credex.core.status_list import (
    MIN_ENTRIES,
    StatusBits,
    build_status_entry,
    build_status_list_credential,
    check_status,
)

VECTORS = Path(__file__).parent / "vectors" / "bitstring-status-list"
LIST_URL = "https://example.com/credentials/status/3"


def load_vector(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def encode_raw(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw)).rstrip(b"=").decode()


def list_credential(bits: StatusBits, purpose: str | list[str] = "revocation") -> dict[str, Any]:
    credential = build_status_list_credential(
        list_id=LIST_URL,
        issuer="did:example:12345",
        bits=bits,
        valid_from=datetime(2024, 4, 5, tzinfo=UTC),
    )
    credential["credentialSubject"]["statusPurpose"] = purpose
    return credential


def code_of(excinfo: pytest.ExceptionInfo[CoreError]) -> str:
    return excinfo.value.code


# --- vectors -------------------------------------------------------------------------------


def test_spec_example_encoded_list_is_131072_zero_entries() -> None:
    example = load_vector("spec-example-2.json")
    bits = StatusBits.decode(example["credentialSubject"]["encodedList"])
    assert bits.size == MIN_ENTRIES
    assert bits.to_bytes() == bytes(16_384)


def test_credex_vector_decodes_to_the_documented_bits() -> None:
    vector = load_vector("bsl-vector-credex.json")
    bits = StatusBits.decode(vector["encodedList"])
    assert bits.size == vector["bitstringLengthBits"]
    for index, expected in vector["expectedLookups"].items():
        assert bits.get(int(index)) == expected
    ours = StatusBits()
    for index in vector["setIndices"]:
        ours.set(index, 1)
    assert ours.to_bytes() == bits.to_bytes()
    assert StatusBits.decode(ours.encode()).to_bytes() == bits.to_bytes()


def test_index_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    bits = StatusBits()
    bits.set(0, 1)
    bits.set(9, 1)
    assert bits.to_bytes()[:2] == b"\x80\x40"


def test_spec_example_entry_checks_valid_against_spec_list() -> None:
    entry = load_vector("spec-example-3.json")["credentialStatus"]
    result = check_status(entry, load_vector("spec-example-4.json"))
    assert (result.purpose, result.status, result.valid, result.message) == (
        "revocation",
        0,
        True,
        "unset",
    )


# --- StatusBits ----------------------------------------------------------------------------


def test_set_get_round_trip_and_clear() -> None:
    bits = StatusBits()
    bits.set(94_567, 1)
    assert bits.get(94_567) == 1
    assert bits.get(94_566) == 0
    bits.set(94_567, 0)
    assert bits.get(94_567) == 0
    assert not any(bits.to_bytes())


def test_two_bit_entries_occupy_adjacent_bit_pairs() -> None:
    bits = StatusBits(status_size=2)
    assert len(bits.to_bytes()) == 2 * 16_384
    bits.set(0, 2)
    bits.set(1, 3)
    bits.set(5, 1)
    assert [bits.get(i) for i in range(6)] == [2, 3, 0, 0, 0, 1]
    assert bits.to_bytes()[:2] == bytes([0b10110000, 0b00010000])
    decoded = StatusBits.decode(bits.encode(), status_size=2)
    assert [decoded.get(i) for i in range(6)] == [2, 3, 0, 0, 0, 1]


@settings(max_examples=25, deadline=None)
@given(
    indices=st.sets(st.integers(min_value=0, max_value=MIN_ENTRIES - 1), max_size=64),
    status_size=st.sampled_from([1, 2, 3]),
)
def test_random_index_sets_survive_encode_decode(indices: set[int], status_size: int) -> None:
    top = (1 << status_size) - 1
    bits = StatusBits(status_size=status_size)
    for index in indices:
        bits.set(index, top)
    decoded = StatusBits.decode(bits.encode(), status_size=status_size)
    assert decoded.to_bytes() == bits.to_bytes()
    assert {i for i in indices if decoded.get(i) == top} == indices
    probe = next(i for i in range(MIN_ENTRIES) if i not in indices)
    assert decoded.get(probe) == 0


def test_encoding_is_deterministic() -> None:
    bits = StatusBits()
    bits.set(42, 1)
    assert bits.encode() == bits.encode()
    assert bits.encode().startswith("uH4sI")


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, 10**12])
def test_out_of_range_index_is_a_range_error(index: int) -> None:
    bits = StatusBits()
    with pytest.raises(CoreError) as excinfo:
        bits.get(index)
    assert code_of(excinfo) == "RANGE_ERROR"
    with pytest.raises(CoreError):
        bits.set(index, 1)


@pytest.mark.parametrize("value", [2, -1])
def test_status_value_must_fit_its_size(value: int) -> None:
    with pytest.raises(CoreError) as excinfo:
        StatusBits().set(3, value)
    assert code_of(excinfo) == "MALFORMED_VALUE_ERROR"


def test_short_list_is_a_length_error() -> None:
    with pytest.raises(CoreError) as excinfo:
        StatusBits.decode(encode_raw(bytes(16_383)))
    assert code_of(excinfo) == "STATUS_LIST_LENGTH_ERROR"
    with pytest.raises(CoreError) as excinfo:  # enough bits for size 1, too few for size 2
        StatusBits.decode(encode_raw(bytes(16_384)), status_size=2)
    assert code_of(excinfo) == "STATUS_LIST_LENGTH_ERROR"


@pytest.mark.parametrize(
    "encoded",
    [
        "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",  # no multibase 'u'
        "uH4sI!!!",  # not base64url
        "u" + base64.urlsafe_b64encode(b"not gzip at all").decode(),
        "u" + base64.urlsafe_b64encode(gzip.compress(bytes(16_384))[:-12]).decode(),  # truncated
        "",
    ],
)
def test_malformed_encoded_lists_are_rejected(encoded: str) -> None:
    with pytest.raises(CoreError) as excinfo:
        StatusBits.decode(encoded)
    assert code_of(excinfo) == "MALFORMED_VALUE_ERROR"


def test_decompression_bomb_is_refused() -> None:
    with pytest.raises(CoreError) as excinfo:
        StatusBits.decode(encode_raw(bytes(17 * 1024 * 1024)))
    assert code_of(excinfo) == "MALFORMED_VALUE_ERROR"


def test_encode_and_decode_of_a_full_list_are_fast() -> None:
    bits = StatusBits()
    for index in range(0, MIN_ENTRIES, 37):  # ~3,500 scattered bits: the slow case for GZIP
        bits.set(index, 1)
    start = time.perf_counter()
    for _ in range(20):
        StatusBits.decode(bits.encode())
    per_round_trip = (time.perf_counter() - start) / 20
    assert per_round_trip < 0.010


# --- builders ------------------------------------------------------------------------------


def test_build_status_list_credential_shape() -> None:
    bits = StatusBits()
    bits.set(7, 1)
    credential = build_status_list_credential(
        list_id=LIST_URL,
        issuer={"id": "did:example:12345", "name": "Example"},
        purpose="suspension",
        bits=bits,
        valid_from=datetime(2024, 4, 5, 16, 27, 40, 123, tzinfo=timezone(timedelta(hours=2))),
        valid_until=datetime(2025, 4, 5, tzinfo=UTC),
        ttl_ms=300_000,
    )
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["validFrom"] == "2024-04-05T14:27:40Z"
    assert credential["validUntil"] == "2025-04-05T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "suspension"
    assert subject["ttl"] == 300_000
    assert StatusBits.decode(subject["encodedList"]).get(7) == 1


def test_builder_refuses_short_lists_naive_times_and_list_level_messages() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(CoreError) as excinfo:
        build_status_list_credential(
            list_id=LIST_URL, issuer="x", bits=StatusBits(8), valid_from=now
        )
    assert code_of(excinfo) == "STATUS_LIST_LENGTH_ERROR"
    with pytest.raises(CoreError):
        build_status_list_credential(
            list_id=LIST_URL, issuer="x", bits=StatusBits(), valid_from=datetime(2024, 1, 1)
        )
    with pytest.raises(CoreError):
        build_status_list_credential(
            list_id=LIST_URL,
            issuer="x",
            bits=StatusBits(),
            valid_from=now,
            status_messages=[{"status": "0x0", "message": "ok"}],
        )


def test_build_status_entry_emits_a_string_index() -> None:
    entry = build_status_entry(list_credential_url=LIST_URL, index=94_567)
    assert entry == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }


def test_build_status_entry_with_messages() -> None:
    messages = [{"status": f"0x{v:x}", "message": m} for v, m in enumerate("abcd")]
    entry = build_status_entry(
        list_credential_url=LIST_URL,
        index=5,
        purpose="message",
        status_size=2,
        status_messages=messages,
    )
    assert entry["statusSize"] == 2
    assert entry["statusMessage"] == messages
    with pytest.raises(CoreError):
        build_status_entry(list_credential_url=LIST_URL, index=5, status_size=2)
    with pytest.raises(CoreError):
        build_status_entry(list_credential_url=LIST_URL, index=-1)


# --- check_status --------------------------------------------------------------------------


def test_revoked_entry_is_invalid() -> None:
    bits = StatusBits()
    bits.set(94_567, 1)
    entry = build_status_entry(list_credential_url=LIST_URL, index=94_567)
    result = check_status(entry, list_credential(bits))
    assert (result.status, result.valid, result.message) == (1, False, "set")


@pytest.mark.parametrize("index", [23, "23"])
def test_index_may_be_a_number_or_a_string(index: int | str) -> None:
    bits = StatusBits()
    bits.set(23, 1)
    entry = build_status_entry(list_credential_url=LIST_URL, index=0)
    entry["statusListIndex"] = index
    assert check_status(entry, list_credential(bits)).status == 1


@pytest.mark.parametrize("index", ["-1", "1.5", " 7", "0x10", -3, 2.0, True, None, "٣"])
def test_bad_index_is_malformed(index: object) -> None:
    entry = build_status_entry(list_credential_url=LIST_URL, index=0)
    entry["statusListIndex"] = index
    with pytest.raises(CoreError) as excinfo:
        check_status(entry, list_credential(StatusBits()))
    assert code_of(excinfo) == "MALFORMED_VALUE_ERROR"


@pytest.mark.parametrize("index", [str(MIN_ENTRIES), "9" * 40])
def test_index_beyond_the_list_is_a_range_error(index: str) -> None:
    entry = build_status_entry(list_credential_url=LIST_URL, index=0)
    entry["statusListIndex"] = index
    with pytest.raises(CoreError) as excinfo:
        check_status(entry, list_credential(StatusBits()))
    assert code_of(excinfo) == "RANGE_ERROR"


def test_multi_bit_status_returns_its_message() -> None:
    messages = [
        {"status": "0x0", "message": "pending_review"},
        {"status": "0x1", "message": "accepted"},
        {"status": "0x2", "message": "rejected"},
        {"status": "0x3", "message": "undefined"},
    ]
    bits = StatusBits(status_size=2)
    bits.set(4_928, 2)
    entry = build_status_entry(
        list_credential_url=LIST_URL,
        index=4_928,
        purpose="message",
        status_size=2,
        status_messages=messages,
    )
    result = check_status(entry, list_credential(bits, purpose="message"))
    assert (result.status, result.valid, result.message) == (2, False, "rejected")


@pytest.mark.parametrize(
    "messages",
    [
        None,
        [{"status": "0x0", "message": "a"}, {"status": "0x1", "message": "b"}],
        [{"status": f"0x{v}", "message": "m"} for v in (0, 1, 2, 2)],
        [{"status": f"0x{v}", "message": "m"} for v in (0, 1, 2, 4)],
        [{"status": str(v), "message": "m"} for v in range(4)],
    ],
)
def test_bad_status_messages_are_malformed(messages: list[dict[str, str]] | None) -> None:
    entry = build_status_entry(list_credential_url=LIST_URL, index=0)
    entry["statusSize"] = 2
    entry["statusMessage"] = messages
    if messages is None:
        del entry["statusMessage"]
    with pytest.raises(CoreError) as excinfo:
        check_status(entry, list_credential(StatusBits(status_size=2)))
    assert code_of(excinfo) == "MALFORMED_VALUE_ERROR"


def test_purpose_must_be_served_by_the_list() -> None:
    entry = build_status_entry(list_credential_url=LIST_URL, index=1, purpose="suspension")
    with pytest.raises(CoreError) as excinfo:
        check_status(entry, list_credential(StatusBits()))
    assert code_of(excinfo) == "STATUS_VERIFICATION_ERROR"
    served = list_credential(StatusBits(), purpose=["revocation", "suspension"])
    assert check_status(entry, served).purpose == "suspension"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("type",), ["VerifiableCredential"]),
        (("credentialSubject", "type"), "StatusList2021"),
        (("id",), "https://example.com/credentials/status/4"),
    ],
)
def test_wrong_list_credential_is_a_verification_error(path: tuple[str, ...], value: Any) -> None:
    credential = list_credential(StatusBits())
    target = credential
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    entry = build_status_entry(list_credential_url=LIST_URL, index=1)
    with pytest.raises(CoreError) as excinfo:
        check_status(entry, credential)
    assert code_of(excinfo) == "STATUS_VERIFICATION_ERROR"
    assert excinfo.value.problem_type.startswith("https://www.w3.org/ns/credentials/status-list#")


def test_short_published_list_is_a_length_error() -> None:
    credential = list_credential(StatusBits())
    credential["credentialSubject"]["encodedList"] = encode_raw(bytes(1_024))
    entry = build_status_entry(list_credential_url=LIST_URL, index=1)
    with pytest.raises(CoreError) as excinfo:
        check_status(entry, credential)
    assert code_of(excinfo) == "STATUS_LIST_LENGTH_ERROR"


# --- legacy StatusList2021 -----------------------------------------------------------------

# StatusList2021 WD 2023-04-27, examples 1 and 2: plain base64url GZIP, no multibase prefix.
LEGACY_LIST = {
    "@context": [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/vc/status-list/2021/v1",
    ],
    "id": "https://example.com/credentials/status/3",
    "type": ["VerifiableCredential", "StatusList2021Credential"],
    "issuer": "did:example:12345",
    "issued": "2021-04-05T14:27:40Z",
    "credentialSubject": {
        "id": "https://example.com/status/3#list",
        "type": "StatusList2021",
        "statusPurpose": "revocation",
        "encodedList": "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
    },
}
LEGACY_ENTRY = {
    "id": "https://example.com/credentials/status/3#94567",
    "type": "StatusList2021Entry",
    "statusPurpose": "revocation",
    "statusListIndex": "94567",
    "statusListCredential": "https://example.com/credentials/status/3",
}


def test_status_list_2021_example_checks_valid() -> None:
    result = check_status(LEGACY_ENTRY, LEGACY_LIST)
    assert (result.status, result.valid) == (0, True)


@pytest.mark.parametrize("prefix", ["", "u"])
def test_status_list_2021_revoked_with_and_without_prefix(prefix: str) -> None:
    bits = StatusBits()
    bits.set(94_567, 1)
    legacy = json.loads(json.dumps(LEGACY_LIST))
    legacy["credentialSubject"]["encodedList"] = prefix + bits.encode()[1:]
    assert check_status(LEGACY_ENTRY, legacy).valid is False


def test_status_list_2021_accepts_standard_base64() -> None:
    # A real deployment's list (standard alphabet, 10,000 bytes): decodes, but is below the floor.
    encoded = "H4sIAJzSq2QC/+3BAQ0AAADCoPdPbQ43oAAAAAAAAAAAAODfAC7KO00QJwAA"
    assert StatusBits.decode(encoded, legacy=True, minimum_entries=1).size == 80_000
    with pytest.raises(CoreError) as excinfo:
        StatusBits.decode(encoded, legacy=True)
    assert code_of(excinfo) == "STATUS_LIST_LENGTH_ERROR"


def test_entry_and_list_generations_must_match() -> None:
    with pytest.raises(CoreError) as excinfo:
        check_status(LEGACY_ENTRY, list_credential(StatusBits()))
    assert code_of(excinfo) == "STATUS_VERIFICATION_ERROR"
    with pytest.raises(CoreError) as excinfo:
        check_status({**LEGACY_ENTRY, "type": "RevocationList2020Status"}, LEGACY_LIST)
    assert code_of(excinfo) == "STATUS_VERIFICATION_ERROR"
