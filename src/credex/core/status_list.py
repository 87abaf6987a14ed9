"""Bitstring Status List v1.0: build, encode and check revocation/suspension/message lists.

Spec: https://www.w3.org/TR/vc-bitstring-status-list/ (§2 data model, §3.2 validate, §3.3–3.4
bitstring generation/expansion). Legacy StatusList2021 is read too, because credentials issued
with it are still in circulation: https://www.w3.org/TR/2023/WD-vc-status-list-20230427/

Proofs are not this module's business: `check_status` assumes the caller has already fetched the
list credential and verified its proof (validate algorithm step 4).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from credex.core import multiformats as mf
from credex.core.errors import CoreError

MIN_ENTRIES = 131_072
"""§3.2 step 2: the herd-privacy floor (16 KB of single-bit entries)."""

MAX_STATUS_SIZE = 16
"""A status size above this would need over 65,536 `statusMessage` entries; refuse it early."""

MAX_DECODED_BYTES = 16 * 1024 * 1024
"""Decompression-bomb ceiling: GZIP expands zeros ~1000x and `encodedList` comes off the network."""

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"

_BSL = ("BitstringStatusListEntry", "BitstringStatusListCredential", "BitstringStatusList")
_LEGACY = ("StatusList2021Entry", "StatusList2021Credential", "StatusList2021")
_DIGITS = re.compile(r"[0-9]+")
_HEX_STATUS = re.compile(r"0x[0-9a-fA-F]+")
_BASE64_BODY = re.compile(r"[A-Za-z0-9_\-+/]*={0,2}")


def _malformed(detail: str) -> CoreError:
    return CoreError(detail, code="MALFORMED_VALUE_ERROR")


def _check_status_size(status_size: object) -> int:
    if isinstance(status_size, bool) or not isinstance(status_size, int) or status_size < 1:
        raise _malformed("statusSize must be an integer greater than zero")
    if status_size > MAX_STATUS_SIZE:
        raise _malformed(f"statusSize {status_size} is larger than {MAX_STATUS_SIZE}")
    return status_size


class StatusBits:
    """A mutable status bitstring; entry `i` occupies bits `i*status_size …`, MSB of byte 0 first.

    Without `data` it is an all-zero list of `size` entries. With `data` (a raw, uncompressed
    bitstring) the length comes from the data and `size` is the minimum it must reach, so
    `StatusBits(data=raw)` enforces the spec's 131,072-entry floor (STATUS_LIST_LENGTH_ERROR).
    """

    __slots__ = ("_bits", "size", "status_size")

    def __init__(
        self, size: int = MIN_ENTRIES, status_size: int = 1, data: bytes | None = None
    ) -> None:
        self.status_size = _check_status_size(status_size)
        if data is None:
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise _malformed("a status list needs at least one entry")
            self._bits = bytearray(-(-size * status_size // 8))
            self.size = size
            return
        entries = len(data) * 8 // status_size
        if entries < size:
            raise CoreError(
                f"status list holds {entries} entries of {status_size} bit(s); at least {size} "
                "are required",
                code="STATUS_LIST_LENGTH_ERROR",
            )
        self._bits = bytearray(data)
        self.size = entries

    def _first_bit(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int):
            raise _malformed("a status list index is an integer")
        if not 0 <= index < self.size:
            raise CoreError(
                f"index {index} is outside the status list (0..{self.size - 1})", code="RANGE_ERROR"
            )
        return index * self.status_size

    def get(self, index: int) -> int:
        """The status value at `index` (its `status_size` bits read most-significant first)."""
        value = 0
        start = self._first_bit(index)
        for pos in range(start, start + self.status_size):
            value = (value << 1) | (self._bits[pos >> 3] >> (7 - (pos & 7))) & 1
        return value

    def set(self, index: int, value: int) -> None:
        if isinstance(value, bool):
            value = int(value)
        if not isinstance(value, int) or not 0 <= value < 1 << self.status_size:
            raise _malformed(f"status value must fit in {self.status_size} bit(s)")
        start = self._first_bit(index)
        for offset in range(self.status_size):
            pos = start + offset
            mask = 0x80 >> (pos & 7)
            if value >> (self.status_size - 1 - offset) & 1:
                self._bits[pos >> 3] |= mask
            else:
                self._bits[pos >> 3] &= ~mask & 0xFF

    def to_bytes(self) -> bytes:
        """The raw, uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """§3.3: multibase base64url (no padding) of GZIP; `mtime=0` keeps the output stable.

        Level 6, not 9: on a list with thousands of scattered bits level 9 takes ~25 ms for ~4%
        smaller output; level 6 stays under 3 ms.
        """
        return mf.encode_base64url(gzip.compress(bytes(self._bits), compresslevel=6, mtime=0))

    @classmethod
    def decode(
        cls,
        encoded: str,
        status_size: int = 1,
        *,
        minimum_entries: int = MIN_ENTRIES,
        legacy: bool = False,
    ) -> StatusBits:
        """§3.4 expansion; `legacy=True` also reads StatusList2021 plain base64(url), `u` optional.

        Raises MALFORMED_VALUE_ERROR (not multibase/base64, not GZIP, too large) and
        STATUS_LIST_LENGTH_ERROR (fewer than `minimum_entries` entries).
        """
        if not isinstance(encoded, str):
            raise _malformed("encodedList must be a string")
        if encoded.startswith(mf.BASE64URL):
            body = encoded[1:]  # GZIP's base64 starts with "H4sI", so a leading 'u' is a prefix
        elif legacy:
            body = encoded
        else:
            raise _malformed("encodedList must be multibase base64url (prefix 'u')")
        return cls(minimum_entries, status_size, _gunzip(_decode_base64(body)))


def _decode_base64(body: str) -> bytes:
    """Strict base64url (or, for old lists, standard base64); padding optional."""
    if not _BASE64_BODY.fullmatch(body):
        raise _malformed("encodedList is not base64url")
    body = body.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _malformed(f"encodedList is not base64url: {exc}") from exc


def _gunzip(data: bytes) -> bytes:
    """RFC 1952 decompression (multi-member allowed), stopping at MAX_DECODED_BYTES."""
    out = bytearray()
    remaining = data
    try:
        while True:
            member = zlib.decompressobj(wbits=31)
            out += member.decompress(remaining, MAX_DECODED_BYTES + 1 - len(out))
            if len(out) > MAX_DECODED_BYTES:
                raise _malformed(f"decoded status list exceeds {MAX_DECODED_BYTES} bytes")
            if not member.eof:
                raise _malformed("encodedList is not a complete GZIP stream")
            remaining = member.unused_data
            if not remaining:
                return bytes(out)
    except zlib.error as exc:
        raise _malformed(f"encodedList is not GZIP data: {exc}") from exc


def _xsd_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise _malformed("validFrom/validUntil need a timezone (XMLSCHEMA11-2 dateTimeStamp)")
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_status_list_credential(
    *,
    list_id: str,
    issuer: str | dict[str, Any],
    purpose: str = "revocation",
    bits: StatusBits,
    valid_from: datetime,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
    status_messages: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (§2.2); the VC 2.0 context defines every term.

    `status_messages` must stay empty: since the June 2024 CR, `statusSize`/`statusMessage` live
    on each BitstringStatusListEntry (w3c/vc-bitstring-status-list#175), and the VC v2 context
    defines no list-level term, so JSON-LD would drop them and a Data Integrity proof would not
    cover them. Put messages on the entries with `build_status_entry`.
    """
    if status_messages:
        raise _malformed(
            "statusMessage belongs on each BitstringStatusListEntry, not on the list "
            "(the VC v2 context has no list-level term)"
        )
    if bits.size < MIN_ENTRIES:
        raise CoreError(
            f"a published list needs at least {MIN_ENTRIES} entries",
            code="STATUS_LIST_LENGTH_ERROR",
        )
    subject: dict[str, Any] = {
        "id": f"{list_id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": bits.encode(),
    }
    if ttl_ms is not None:
        if isinstance(ttl_ms, bool) or not isinstance(ttl_ms, int) or ttl_ms < 0:
            raise _malformed("ttl is a non-negative number of milliseconds")
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _xsd_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = _xsd_datetime(valid_until)
    credential["credentialSubject"] = subject
    return credential


def build_status_entry(
    *,
    list_credential_url: str,
    index: int,
    purpose: str = "revocation",
    status_size: int = 1,
    status_messages: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A BitstringStatusListEntry (§2.1); `statusListIndex` is a base-10 string, as §2.1 says."""
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise _malformed("statusListIndex must be an integer >= 0")
    _check_status_size(status_size)
    entry: dict[str, Any] = {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }
    if status_size != 1:
        entry["statusSize"] = status_size
    if status_messages is not None or status_size > 1:
        _parse_status_messages(status_messages, status_size)
        entry["statusMessage"] = [dict(message) for message in status_messages or ()]
    return entry


@dataclass
class StatusResult:
    """§3.2 steps 11–15: `valid` is simply `status == 0`; what that means depends on `purpose`."""

    purpose: str
    status: int
    valid: bool
    message: str | None


def check_status(entry: Mapping[str, Any], list_credential: Mapping[str, Any]) -> StatusResult:
    """Run the §3.2 validate algorithm for one entry against an already verified list credential.

    Raises CoreError with STATUS_VERIFICATION_ERROR (wrong types, purpose not in the list, list is
    not the one the entry names), MALFORMED_VALUE_ERROR, STATUS_LIST_LENGTH_ERROR or RANGE_ERROR.
    """
    if not isinstance(entry, Mapping) or not isinstance(list_credential, Mapping):
        raise _malformed("status entry and list credential must be JSON objects")
    entry_type, credential_type, subject_type = _kinds_for(entry)
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise _malformed("statusPurpose must be a non-empty string")
    index = _parse_index(entry.get("statusListIndex"))
    status_size = _check_status_size(entry.get("statusSize", 1))
    messages = _parse_status_messages(entry.get("statusMessage"), status_size)
    list_url = entry.get("statusListCredential")
    if not isinstance(list_url, str) or not list_url:
        raise _malformed("statusListCredential must be a URL")
    if entry.get("id") == list_url:
        raise _malformed("a status entry's id must not be the status list URL")

    if credential_type not in _types(list_credential):
        raise _verification(f"status list credential is not a {credential_type}")
    if "id" in list_credential and list_credential["id"] != _without_timestamp(list_url):
        raise _verification("status list credential id differs from statusListCredential")
    subject = _list_subject(list_credential)
    if subject_type not in _types(subject):
        raise _verification(f"status list credentialSubject is not a {subject_type}")
    if purpose not in _purposes(subject):
        raise _verification(f"status list does not serve the purpose {purpose!r}")

    encoded_list = subject.get("encodedList")
    if not isinstance(encoded_list, str):
        raise _malformed("status list encodedList must be a string")
    bits = StatusBits.decode(encoded_list, status_size, legacy=entry_type == "StatusList2021Entry")
    status = bits.get(index)
    # without statusMessage (only allowed for size 1) §2.1 names the values "unset" and "set"
    message = messages[status] if messages else ("set" if status else "unset")
    return StatusResult(purpose=purpose, status=status, valid=status == 0, message=message)


def _without_timestamp(url: str) -> str:
    """The list's own URL: BSL §3.2 lets a `?timestamp=<dateTimeStamp>` query ask for the list
    as it was then, and that historical list keeps its id; nothing else may differ."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "timestamp"]
    if len(query) == len(parse_qsl(parts.query, keep_blank_values=True)):
        return url
    return urlunsplit(parts._replace(query=urlencode(query)))


def _verification(detail: str) -> CoreError:
    return CoreError(detail, code="STATUS_VERIFICATION_ERROR")


def _types(node: Mapping[str, Any]) -> list[Any]:
    value = node.get("type")
    return value if isinstance(value, list) else [value]


def _kinds_for(entry: Mapping[str, Any]) -> tuple[str, str, str]:
    types = _types(entry)
    for kinds in (_BSL, _LEGACY):
        if kinds[0] in types:
            return kinds
    raise _verification(
        "credentialStatus is neither BitstringStatusListEntry nor StatusList2021Entry"
    )


def _list_subject(list_credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = list_credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping):
        raise _malformed("status list credentialSubject must be one JSON object")
    return subject


def _purposes(subject: Mapping[str, Any]) -> list[str]:
    value = subject.get("statusPurpose")
    purposes = value if isinstance(value, list) else [value]
    if not purposes or not all(isinstance(item, str) and item for item in purposes):
        raise _malformed("status list statusPurpose must be one or more strings")
    return [str(item) for item in purposes]


def _parse_index(value: object) -> int:
    """`statusListIndex` is a base-10 string (§2.1); 1EdTech samples use a JSON number (G6)."""
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        if len(value) > 30:  # far beyond any list we accept; int() would also refuse > 4300 digits
            raise CoreError("statusListIndex is outside any status list", code="RANGE_ERROR")
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise _malformed("statusListIndex must be a non-negative base-10 integer")


def _parse_status_messages(messages: object, status_size: int) -> dict[int, str]:
    """§2.1 statusMessage: exactly 2^statusSize objects, one per value, `status` as "0x…" hex."""
    if messages is None:
        if status_size > 1:
            raise _malformed("statusMessage is required when statusSize is greater than 1")
        return {}
    expected = 1 << status_size
    if not isinstance(messages, Sequence) or isinstance(messages, str) or len(messages) != expected:
        raise _malformed(f"statusMessage must be an array of {expected} objects")
    parsed: dict[int, str] = {}
    for item in messages:
        status = item.get("status") if isinstance(item, Mapping) else None
        text = item.get("message") if isinstance(item, Mapping) else None
        if not isinstance(status, str) or not _HEX_STATUS.fullmatch(status):
            raise _malformed('each statusMessage needs a hex "status" such as "0x0"')
        if not isinstance(text, str):
            raise _malformed("each statusMessage needs a string message")
        value = int(status, 16)
        if value >= expected or value in parsed:
            raise _malformed(f"statusMessage status {status} is out of range or repeated")
        parsed[value] = text
    return parsed
