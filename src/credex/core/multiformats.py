"""Multibase and multicodec helpers for Multikey, did:key and proof values.

Only the encodings the specs we implement need: base58btc (`z`) for keys and
Data Integrity proof values, base64url (`u`) for status lists.
See https://www.w3.org/TR/cid-1.0/#multibase-0 and the multicodec table.
"""

from __future__ import annotations

import base64

import base58

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
    return BASE58BTC + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith(BASE58BTC) or len(value) < 2:
        raise MultiformatError("expected a multibase base58btc value starting with 'z'")
    try:
        return base58.b58decode(value[1:])
    except ValueError as exc:
        raise MultiformatError(f"invalid base58btc: {exc}") from exc


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
