"""Component digests: VC DM 2.0 §5.3 `digestMultibase` of a credential exactly as issued.

VC DM 2.0 §5.3 defines `digestMultibase` by VC Data Integrity §2.6: a multibase-encoded
multihash. credex writes base64url-no-pad (`u`, the form of the spec's Example 26) over a
sha2-384 multihash, the minimum strength §5.3 says implementers SHOULD use; it reads sha2-256,
-384 and -512 in `u` or base58btc (`z`) form.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from credex.core import multiformats

SHA2_384 = b"\x20\x30"  # multihash: sha2-384, 48 bytes
_MULTIHASH = {0x12: ("sha256", 32), 0x20: ("sha384", 48), 0x13: ("sha512", 64)}


def component_bytes(component: str | bytes | Mapping[str, Any]) -> bytes:
    """The bytes a component digest covers: the credential exactly as issued.

    Text (JSON or a compact JWS) is hashed as UTF-8 and bytes as they are. A parsed JSON object
    is serialized the way credex stores what it signs (compact separators, keys in document
    order, non-ASCII unescaped), so a credex credential hashes the same parsed or as text.
    """
    if isinstance(component, bytes):
        return component
    if isinstance(component, str):
        return component.encode("utf-8")
    return json.dumps(component, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def component_digest(component: str | bytes | Mapping[str, Any]) -> str:
    """`digestMultibase`: multibase base64url-no-pad (`u`) of a sha2-384 multihash.

    VC DM 2.0 §5.3 makes sha384 the minimum strength implementers SHOULD use and shows the
    base64url-no-pad multibase form (its Example 26 is `uEiB…`, the sha2-256 multihash).
    """
    digest = hashlib.sha384(component_bytes(component)).digest()
    return multiformats.encode_base64url(SHA2_384 + digest)


def digest_matches(expected: Any, component: str | bytes | Mapping[str, Any]) -> bool | None:
    """Whether every digest in `expected` (one string or a list) matches; None: none readable."""
    values = expected if isinstance(expected, list) else [expected]
    data = component_bytes(component)
    checked = False
    for value in values:
        decoded = _multihash(value)
        if decoded is None:
            continue
        algorithm, digest = decoded
        if hashlib.new(algorithm, data).digest() != digest:
            return False
        checked = True
    return True if checked else None


def _multihash(value: Any) -> tuple[str, bytes] | None:
    if not isinstance(value, str) or len(value) < 3:
        return None
    try:
        raw = (
            multiformats.decode_base58btc(value)
            if value.startswith("z")
            else multiformats.decode_base64url(value)
        )
    except multiformats.MultiformatError:
        return None
    known = _MULTIHASH.get(raw[0]) if len(raw) > 2 else None
    if known is None or raw[1] != known[1] or len(raw) != 2 + known[1]:
        return None
    return known[0], raw[2:]
