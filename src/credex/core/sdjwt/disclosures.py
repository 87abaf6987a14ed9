"""Disclosures and their digests (RFC 9901 §4.2).

A Disclosure is base64url(UTF-8 JSON array): `[salt, name, value]` for an object property,
`[salt, value]` for an array element. Its digest is base64url(hash(ASCII bytes of the encoded
Disclosure)) - the issuer's exact bytes, never a re-serialisation (§4.2.3). The JSON text is
written as `json.dumps(..., ensure_ascii=False)` (", " separators, raw UTF-8), the spelling of
the RFC's own examples, so its example Disclosures are reproduced byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from credex.core.errors import ParsingError, ProofVerificationError
from credex.core.jose import b64url_decode
from credex.core.jwt_sign import b64url_encode

HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
"""`_sd_alg` values (IANA "Named Information Hash Algorithm" names, RFC 9901 §4.1.1)."""

DEFAULT_HASH = "sha-256"
RESERVED_NAMES = frozenset({"_sd", "..."})
SALT_BYTES = 16  # 128 bits, the RFC's minimum recommendation (§9.3)


def new_salt() -> str:
    """A fresh base64url salt of 128 bits from the CSPRNG (RFC 9901 §4.2.1, §9.3)."""
    return b64url_encode(secrets.token_bytes(SALT_BYTES))


def digest(encoded: str, algorithm: str = DEFAULT_HASH) -> str:
    """base64url(hash(ASCII(encoded))) with the `_sd_alg` hash (RFC 9901 §4.2.3)."""
    hash_function = HASH_ALGORITHMS.get(algorithm)
    if hash_function is None:
        raise ProofVerificationError(f"unsupported _sd_alg {algorithm!r}")
    return b64url_encode(hash_function(encoded.encode("ascii")).digest())


@dataclass(frozen=True)
class Disclosure:
    """One Disclosure: `name` is None for an array element."""

    salt: str
    name: str | None
    value: Any
    encoded: str

    @classmethod
    def create(cls, name: str | None, value: Any, salt: str | None = None) -> Disclosure:
        salt = salt if salt is not None else new_salt()
        if name is not None and name in RESERVED_NAMES:
            raise ValueError(f"a claim named {name!r} cannot be selectively disclosed")
        array = [salt, value] if name is None else [salt, name, value]
        text = json.dumps(array, ensure_ascii=False)
        return cls(salt, name, value, b64url_encode(text.encode("utf-8")))

    @classmethod
    def parse(cls, encoded: str) -> Disclosure:
        """Decode a received Disclosure; keeps `encoded` exactly as received for hashing."""
        try:
            array = json.loads(b64url_decode(encoded).decode("utf-8"))
        except (ParsingError, UnicodeDecodeError, ValueError) as exc:
            raise ParsingError("a Disclosure is not base64url JSON") from exc
        if not isinstance(array, list) or len(array) not in (2, 3):
            raise ParsingError("a Disclosure is a JSON array of two or three elements")
        if not isinstance(array[0], str):
            raise ParsingError("a Disclosure's salt must be a string")
        if len(array) == 2:
            return cls(array[0], None, array[1], encoded)
        if not isinstance(array[1], str):
            raise ParsingError("a Disclosure's claim name must be a string")
        if array[1] in RESERVED_NAMES:
            raise ProofVerificationError(f"a Disclosure may not name {array[1]!r} (§7.1)")
        return cls(array[0], array[1], array[2], encoded)

    def digest(self, algorithm: str = DEFAULT_HASH) -> str:
        return digest(self.encoded, algorithm)
