"""DIDs and controller documents: did:key (local), did:web (URL + documents), key resolution."""

from credex.core.dids.did_key import did_key_document
from credex.core.dids.did_web import build_did_web_document, did_web_to_url
from credex.core.dids.resolver import (
    ResolvedMethod,
    public_key_from_jwk,
    resolve_did_document,
    resolve_verification_method,
)

__all__ = [
    "ResolvedMethod",
    "build_did_web_document",
    "did_key_document",
    "did_web_to_url",
    "public_key_from_jwk",
    "resolve_did_document",
    "resolve_verification_method",
]
