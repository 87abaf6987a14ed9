"""Multibase and multicodec helpers for Multikey, did:key and proof values.

Only the encodings the specs we implement need: base58btc (`z`) for keys and
Data Integrity proof values, base64url (`u`) for status lists.
See https://www.w3.org/TR/cid-1.0/#multibase-0 and the multicodec table.
"""

from __future__ import annotations

import base64

from credex.core.errors import CoreError

BASE58BTC = "z"
BASE64URL = "u"

# multicodec headers (varint-encoded) and the key length each one implies
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
P256_PUB = b"\x80\x24"
P384_PUB = b"\x81\x24"
X25519_PUB = b"\xec\x01"

KEY_LENGTHS: dict[bytes, int] = {
    ED25519_PUB: 32,
    ED25519_PRIV: 32,
    P256_PUB: 33,
    P384_PUB: 49,
    X25519_PUB: 32,
}


class MultiformatError(CoreError):
    """A multibase or multicodec value is malformed."""

    code = "MALFORMED_VALUE_ERROR"


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: `z` + base58 (Bitcoin alphabet)."""
    return BASE58BTC + b58encode(data)


def decode_base58btc(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith(BASE58BTC) or len(value) < 2:
        raise MultiformatError("expected a multibase base58btc value starting with 'z'")
    try:
        return b58decode(value[1:])
    except ValueError as exc:
        raise MultiformatError(f"invalid base58btc: {exc}") from exc


# Base58 (Bitcoin alphabet), computed ten digits at a time: one big-integer division per ten
# digits instead of one per digit, which makes encoding a signature several times faster.
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DIGITS = {char: value for value, char in enumerate(_ALPHABET)}
_PAIRS = tuple(high + low for high in _ALPHABET for low in _ALPHABET)  # 58 * high + low
_CHUNK_DIGITS = 10


def b58encode(data: bytes) -> str:
    """Base58: one `1` per leading zero byte, then the rest as a big-endian number."""
    body = data.lstrip(b"\0")
    number = int.from_bytes(body, "big")
    chunks = []
    while number:
        number, chunk = divmod(number, 58**_CHUNK_DIGITS)
        chunks.append(chunk)
    pairs: list[str] = []
    for chunk in reversed(chunks):  # ten digits as five pairs, most significant first
        first, rest = divmod(chunk, 58**8)
        second, rest = divmod(rest, 58**6)
        third, rest = divmod(rest, 58**4)
        fourth, fifth = divmod(rest, 58**2)
        pairs += (_PAIRS[first], _PAIRS[second], _PAIRS[third], _PAIRS[fourth], _PAIRS[fifth])
    return "1" * (len(data) - len(body)) + "".join(pairs).lstrip("1")


def b58decode(text: str) -> bytes:
    """Inverse of `b58encode`; ValueError on a character outside the alphabet.

    Trailing whitespace is ignored, as the `base58` package credex used before does.
    """
    text = text.rstrip()
    body = text.lstrip("1")
    number = 0
    try:
        for start in range(0, len(body), _CHUNK_DIGITS):
            chunk = body[start : start + _CHUNK_DIGITS]
            value = 0
            for char in chunk:
                value = value * 58 + _DIGITS[char]
            number = number * 58 ** len(chunk) + value
    except KeyError as exc:
        raise ValueError(f"invalid character {exc.args[0]!r}") from None
    zeros = b"\0" * (len(text) - len(body))
    return zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def encode_base64url(data: bytes) -> str:
    """Multibase base64url without padding: `u` + base64url."""
    return BASE64URL + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith(BASE64URL):
        raise MultiformatError("expected a multibase base64url value starting with 'u'")
    body = value[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise MultiformatError(f"invalid base64url: {exc}") from exc


def encode_multikey(header: bytes, key: bytes) -> str:
    """Encode raw key bytes under a multicodec header as a base58btc Multikey."""
    expected = KEY_LENGTHS.get(header)
    if expected is None or len(key) != expected:
        raise MultiformatError("key length does not match its multicodec")
    return encode_base58btc(header + key)


def decode_multikey(value: str) -> tuple[bytes, bytes]:
    """Split a Multikey into (multicodec header, raw key), rejecting unknown headers and lengths."""
    raw = decode_base58btc(value)
    for header, length in KEY_LENGTHS.items():
        if raw.startswith(header):
            key = raw[len(header) :]
            if len(key) != length:
                raise MultiformatError(
                    f"invalidPublicKeyLength: {len(key)} bytes, multicodec expects {length}"
                )
            return header, key
    raise MultiformatError("invalidPublicKey: unsupported multicodec header")
