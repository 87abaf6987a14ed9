"""IETF Token Status List: the spec's examples and 2^20-entry test vectors, and the token.

Vectors: ../shared/vectors/token-status-list/ (draft-ietf-oauth-status-list-20 `examples/`).
The index → status tables of the long vectors are the ones the draft's "Test vectors"
section lists. Decoded bytes are compared (other zlib builds may compress differently); the
small examples also re-encode to the same `lst` with zlib level 9.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from credex.core.errors import ParsingError, ProofVerificationError
from credex.core.jose import sign_compact
from credex.core.token_status import (
    INVALID,
    SUSPENDED,
    VALID,
    TokenStatusList,
    read_status_list_token,
    status_claim,
    status_list_token_payload,
)
from tests.core.jose_keys import P256Signer

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors" / "token-status-list"
SIZE = 2**20

LONG_1 = dict.fromkeys(
    [0, 1993, 25460, 159495, 495669, 554353, 645645, 723232, 854545, 934534, 1000345], 1
)
LONG_2 = {
    0: 1, 1993: 2, 25460: 1, 159495: 3, 495669: 1, 554353: 1,
    645645: 2, 723232: 1, 854545: 1, 934534: 2, 1000345: 3,
}  # fmt: skip
LONG_4 = {
    0: 1, 1993: 2, 35460: 3, 459495: 4, 595669: 5, 754353: 6, 845645: 7,
    923232: 8, 924445: 9, 934534: 10, 1000345: 12, 1004534: 11, 1030203: 13,
    1030204: 14, 1030205: 15,
}  # fmt: skip


def vector(name: str) -> dict[str, Any]:
    """A `{"bits", "lst"}` example; the files wrap the `lst` string over lines."""
    text = (VECTORS / name).read_text()
    body = text[text.index("{") :]
    parsed: dict[str, Any] = json.loads(re.sub(r"\n\s*", "", body))
    return parsed


def test_the_one_bit_example_is_reproduced_byte_for_byte() -> None:
    statuses = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
    status_list = TokenStatusList(16, bits=1)
    status_list.set_many(enumerate(statuses))
    assert status_list.to_bytes() == bytes([0xB9, 0xA3])
    assert status_list.to_json() == vector("status_list_encoding_json.md")


def test_the_two_bit_example_is_reproduced_byte_for_byte() -> None:
    statuses = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]
    status_list = TokenStatusList(12, bits=2)
    status_list.set_many(enumerate(statuses))
    assert status_list.to_bytes() == bytes([0xC9, 0x44, 0xF9])
    assert status_list.to_json() == vector("status_list_encoding2_json.md")
    decoded = TokenStatusList.decode(vector("status_list_encoding2_json.md"))
    assert [decoded.get(i) for i in range(12)] == statuses


@pytest.mark.parametrize(
    ("name", "bits", "table"),
    [
        ("status_list_encoding1_long_json.md", 1, LONG_1),
        ("status_list_encoding2_long_json.md", 2, LONG_2),
        ("status_list_encoding4_json.md", 4, LONG_4),
    ],
)
def test_the_long_vectors_decode_to_the_spec_tables(
    name: str, bits: int, table: dict[int, int]
) -> None:
    built = TokenStatusList(SIZE, bits=bits)
    built.set_many(table.items())
    decoded = TokenStatusList.decode(vector(name))
    assert decoded.size == SIZE
    assert decoded.to_bytes() == built.to_bytes()
    assert TokenStatusList.decode(built.to_json()).to_bytes() == built.to_bytes()


def test_entries_are_independent_and_bounded() -> None:
    status_list = TokenStatusList(8)
    status_list.set(3, SUSPENDED)
    status_list.set(4, INVALID)
    status_list.set(3, VALID)
    assert [status_list.get(i) for i in range(8)] == [0, 0, 0, 0, 1, 0, 0, 0]
    with pytest.raises(IndexError):
        status_list.get(8)
    with pytest.raises(ValueError, match="fit"):
        status_list.set(0, 4)
    with pytest.raises(ParsingError):
        TokenStatusList.decode({"bits": 3, "lst": "eNo76fITAAPfAgc"})
    with pytest.raises(ParsingError):
        TokenStatusList.decode({"bits": 2, "lst": "not-zlib"})


def test_the_example_token_payload_shape_and_a_signed_token_reads_back() -> None:
    example = (VECTORS / "status_list_jwt.md").read_text()
    header_text, payload_text = example.split("\n.\n")
    expected = json.loads(payload_text)
    status_list = TokenStatusList(16, bits=1)
    status_list.set_many(enumerate([1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]))
    payload = status_list_token_payload(
        status_list,
        uri="https://example.com/statuslists/1",
        issued_at=datetime.fromtimestamp(1686920170, UTC),
        expires_at=datetime.fromtimestamp(2291720170, UTC),
        ttl_seconds=43200,
    )
    assert payload == expected
    signer = P256Signer()
    header = json.loads(header_text)
    token = sign_compact({"kid": header["kid"], "typ": header["typ"]}, payload, signer)
    now = datetime.fromtimestamp(1686920170, UTC)
    read = read_status_list_token(token, signer.jwk, uri=expected["sub"], now=now)
    assert read.status(0) == INVALID
    assert read.status(1) == VALID
    with pytest.raises(ProofVerificationError, match="sub"):
        read_status_list_token(token, signer.jwk, uri="https://example.com/other", now=now)
    later = datetime.fromtimestamp(2291720170, UTC) + timedelta(seconds=1)
    with pytest.raises(ProofVerificationError, match="expired"):
        read_status_list_token(token, signer.jwk, uri=expected["sub"], now=later)
    with pytest.raises(ProofVerificationError, match="outside"):
        read.status(16)
    assert status_claim(7, "https://example.com/statuslists/1") == {
        "status_list": {"idx": 7, "uri": "https://example.com/statuslists/1"}
    }
