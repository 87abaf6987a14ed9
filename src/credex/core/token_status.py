"""IETF Token Status List (draft-ietf-oauth-status-list-20): the list, its JWT, the claim.

A Status List is a byte array of `bits`-wide entries; entry i starts at the LEAST significant
bit of byte ⌊i·bits/8⌋ (§4.1) - the opposite order to W3C Bitstring Status List. It is
compressed with DEFLATE in the ZLIB format (RFC 1950, highest level), then base64url without
padding, as `status_list: {"bits", "lst"}` (§4.2). credex uses 2 bits so that VALID (0),
INVALID (1) and SUSPENDED (2) all exist (§7.1). The Status List Token is a JWT with
`typ: statuslist+jwt` whose `sub` is the URI referenced tokens name (§5.1).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credex.core.errors import ParsingError, ProofVerificationError
from credex.core.jose import b64url_decode, verify_compact
from credex.core.jwt_sign import b64url_encode, is_numeric_date, numeric_date

VALID = 0x00
INVALID = 0x01
SUSPENDED = 0x02
STATUS_NAMES = {VALID: "VALID", INVALID: "INVALID", SUSPENDED: "SUSPENDED"}

STATUS_LIST_JWT_TYPE = "statuslist+jwt"
MEDIA_TYPE = "application/statuslist+jwt"
ALLOWED_BITS = (1, 2, 4, 8)


class TokenStatusList:
    """`size` entries of `bits` bits each, all VALID at first."""

    def __init__(self, size: int, bits: int = 2, data: bytes | None = None) -> None:
        if bits not in ALLOWED_BITS:
            raise ValueError(f"bits must be one of {ALLOWED_BITS}")
        if size <= 0:
            raise ValueError("a status list has at least one entry")
        self.bits = bits
        self.size = size
        length = math.ceil(size * bits / 8)
        self._bytes = bytearray(data if data is not None else length)
        if len(self._bytes) != length:
            raise ValueError(f"{size} entries of {bits} bits take {length} bytes")

    def _position(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} is outside the list (size {self.size})")
        return index * self.bits // 8, index * self.bits % 8

    def get(self, index: int) -> int:
        byte, shift = self._position(index)
        return (self._bytes[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        if not 0 <= value < (1 << self.bits):
            raise ValueError(f"status {value} does not fit in {self.bits} bits")
        byte, shift = self._position(index)
        mask = ((1 << self.bits) - 1) << shift
        self._bytes[byte] = (self._bytes[byte] & ~mask) | (value << shift)

    def set_many(self, statuses: Iterable[tuple[int, int]]) -> None:
        for index, value in statuses:
            self.set(index, value)

    def to_bytes(self) -> bytes:
        return bytes(self._bytes)

    def encode(self) -> str:
        """`lst`: base64url (no padding) of the ZLIB-compressed bytes, level 9 (§4.1 step 3)."""
        return b64url_encode(zlib.compress(bytes(self._bytes), 9))

    def to_json(self) -> dict[str, Any]:
        return {"bits": self.bits, "lst": self.encode()}

    @classmethod
    def decode(cls, status_list: Mapping[str, Any]) -> TokenStatusList:
        """Parse `{"bits", "lst"}`; the size is every entry the bytes hold. Raises ParsingError."""
        bits, lst = status_list.get("bits"), status_list.get("lst")
        if bits not in ALLOWED_BITS or isinstance(bits, bool) or not isinstance(lst, str):
            raise ParsingError("status_list needs bits (1, 2, 4 or 8) and an lst string")
        try:
            data = zlib.decompress(b64url_decode(lst))
        except zlib.error as exc:
            raise ParsingError("lst is not ZLIB-compressed data") from exc
        if not data:
            raise ParsingError("the status list is empty")
        return cls(len(data) * 8 // bits, bits, data)


def status_claim(index: int, uri: str) -> dict[str, Any]:
    """The referenced token's `status` claim (§6.1): `{"status_list": {"idx", "uri"}}`."""
    return {"status_list": {"idx": index, "uri": uri}}


def status_list_token_payload(
    status_list: TokenStatusList,
    *,
    uri: str,
    issued_at: datetime,
    issuer: str | None = None,
    expires_at: datetime | None = None,
    ttl_seconds: int | None = None,
) -> dict[str, Any]:
    """The Status List Token claims (§5.1): `sub` = `uri`, `iat`, `exp`, `ttl`, `status_list`."""
    payload: dict[str, Any] = {"sub": uri, "iat": numeric_date(issued_at)}
    if issuer is not None:
        payload["iss"] = issuer
    if expires_at is not None:
        payload["exp"] = numeric_date(expires_at)
    if ttl_seconds is not None:
        payload["ttl"] = ttl_seconds
    payload["status_list"] = status_list.to_json()
    return payload


@dataclass(frozen=True)
class StatusListToken:
    header: dict[str, Any]
    payload: dict[str, Any]
    status_list: TokenStatusList

    def status(self, index: int) -> int:
        """The status at `index`; an index outside the list is an error (§8.3 step 6)."""
        try:
            return self.status_list.get(index)
        except IndexError as exc:
            raise ProofVerificationError(str(exc)) from exc


def read_status_list_token(
    token: str,
    jwk: Mapping[str, Any],
    *,
    uri: str,
    now: datetime,
    issuer: str | None = None,
) -> StatusListToken:
    """Verify a Status List Token as a relying party does (§8.3): signature, `typ`, `sub`,
    `exp`, and `iss` equal to the referenced token's `iss` when that is given (§5.1)."""
    header, payload = verify_compact(token, jwk)
    if header.get("typ") != STATUS_LIST_JWT_TYPE:
        raise ProofVerificationError("a Status List Token has typ statuslist+jwt")
    if payload.get("sub") != uri:
        raise ProofVerificationError("the Status List Token's sub is not the referenced uri")
    if issuer is not None and payload.get("iss") != issuer:
        raise ProofVerificationError("the Status List Token's iss is not the referenced token's")
    if not is_numeric_date(payload.get("iat")):
        raise ProofVerificationError("the Status List Token needs iat")
    expires = payload.get("exp")
    if expires is not None and (not is_numeric_date(expires) or expires <= numeric_date(now)):
        raise ProofVerificationError("the Status List Token has expired")
    status_list = payload.get("status_list")
    if not isinstance(status_list, Mapping):
        raise ParsingError("the Status List Token has no status_list")
    return StatusListToken(header, payload, TokenStatusList.decode(status_list))
