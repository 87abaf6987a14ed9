"""Recipient identity: salted hashes of e-mail addresses and matching them later.

OB 3.0 §B.1 IdentityObject / IdentityHash (https://www.imsglobal.org/spec/ob/v3p0/#identityhash):
`identityHash` = `sha256$` + hex(SHA-256(UTF-8(identifier + salt))), or `md5$…`, or the plain
value when `hashed` is false. §"Verify the Recipient": hash the known value with the salt and
compare. Comparisons are constant-time so a lookup cannot leak how much of a hash matched.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from credex.core.credentials.vocab import IdentifierType
from credex.core.errors import CoreError

# md5 only to check identities hashed by older issuers; credex itself always writes sha256.
_ALGORITHMS = frozenset({"sha256", "md5"})
_EMAIL = IdentifierType.EMAIL_ADDRESS.value
_SALT_BYTES = 16


def hash_identity(identifier: str, salt: str | None) -> str:
    """`sha256$<hex>` of `identifier + salt` (no salt → the empty string)."""
    digest = hashlib.sha256((identifier + (salt or "")).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def normalize_email(email: str) -> str:
    """Trim and lower-case the whole address.

    RFC 5321 lets the local part be case-sensitive, but no mainstream provider treats it so and
    recipients type their address in varying case; lower-casing both parts keeps the hash stable
    for the same person, and `identity_matches` also tries the address as written.
    """
    text = email.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or any(char.isspace() for char in text):
        raise CoreError(f"not an e-mail address: {email[:80]!r}", code="MALFORMED_VALUE_ERROR")
    return text.lower()


def email_identity_object(email: str, salt: str | None = None) -> dict[str, Any]:
    """A hashed `emailAddress` IdentityObject; a random 128-bit salt is drawn when none is given."""
    salt = salt if salt is not None else secrets.token_hex(_SALT_BYTES)
    return {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": hash_identity(normalize_email(email), salt),
        "identityType": _EMAIL,
        "salt": salt,
    }


def identity_matches(
    identity_object: Mapping[str, Any], value: str, *, identity_type: str | None = None
) -> bool:
    """Whether `value` is the identifier recorded in `identity_object`.

    Handles `sha256$`/`md5$` hashes and plain values. E-mail addresses match case-insensitively
    (the value as written, trimmed, and normalised are all tried, since issuers differ in what they
    hash). When `identity_type` is given it must equal the object's `identityType`.
    """
    recorded_type = identity_object.get("identityType")
    recorded = identity_object.get("identityHash")
    if not isinstance(recorded, str) or (identity_type and identity_type != recorded_type):
        return False
    candidates = _candidates(value, is_email=recorded_type == _EMAIL)
    if identity_object.get("hashed") is True:
        return _matches_hash(recorded, candidates, identity_object.get("salt"))
    if recorded_type == _EMAIL:
        recorded = recorded.strip().lower()
    return _any_equal(recorded, candidates)


def _candidates(value: str, *, is_email: bool) -> list[str]:
    candidates = [value, value.strip()]
    if is_email:
        candidates.append(value.strip().lower())
    return list(dict.fromkeys(candidates))


def _matches_hash(recorded: str, candidates: list[str], salt: object) -> bool:
    algorithm, dollar, expected = recorded.partition("$")
    algorithm = algorithm.lower()
    if not dollar or algorithm not in _ALGORITHMS:
        return False
    salt_text = salt if isinstance(salt, str) else ""
    digests = [
        hashlib.new(
            algorithm, (candidate + salt_text).encode("utf-8"), usedforsecurity=False
        ).hexdigest()
        for candidate in candidates
    ]
    return _any_equal(expected.strip().lower(), digests)


def _any_equal(expected: str, candidates: list[str]) -> bool:
    """Constant-time comparison against every candidate (no early exit)."""
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected.encode("utf-8"), candidate.encode("utf-8"))
    return matched
