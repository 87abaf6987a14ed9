"""did:key: a DID that is its own public key, resolved locally (no network, no registry).

Implements the did:key "Document Creation Algorithm" (https://w3c-ccg.github.io/did-method-key/
§3.1.1) for the key types credex verifies: Ed25519 (`z6Mk…`), P-256 (`zDn…`), P-384 (`z82…`),
expressed as one Multikey verification method usable for every relationship.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from credex.core import multiformats as mf
from credex.core.errors import ResolutionError
from credex.core.keys import PublicKey

DID_KEY_PREFIX = "did:key:"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityDelegation",
    "capabilityInvocation",
)
_SIGNING_KEY_HEADERS = (mf.ED25519_PUB, mf.P256_PUB, mf.P384_PUB)


@lru_cache(maxsize=4096)
def did_key_public_key(did: str) -> tuple[str, PublicKey]:
    """(multibase value, key) of a did:key, rejecting unknown multicodecs and bad lengths.

    Cached: a did:key is its own key, so decoding it once per process is enough (verifying a
    credential resolves the same did:key several times).
    """
    if not isinstance(did, str) or not did.startswith(DID_KEY_PREFIX):
        raise ResolutionError(f"not a did:key: {did!r}")
    multibase = did[len(DID_KEY_PREFIX) :]
    if not multibase.startswith(mf.BASE58BTC) or any(c in multibase for c in "#?/:"):
        raise ResolutionError(f"invalid did:key identifier: {did!r}")
    header, _ = mf.decode_multikey(multibase)  # MultiformatError on bad header or length
    if header not in _SIGNING_KEY_HEADERS:
        raise ResolutionError(f"did:key multicodec is not a supported signing key: {did!r}")
    return multibase, PublicKey.from_multikey(multibase)


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of a did:key, with its single Multikey verification method."""
    multibase, _ = did_key_public_key(did)
    method_id = f"{did}#{multibase}"
    method = {
        "id": method_id,
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": multibase,
    }
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [method],
    }
    for relationship in RELATIONSHIPS:
        document[relationship] = [method_id]
    return document
