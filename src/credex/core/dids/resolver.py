"""Verification method resolution: from a proof's `verificationMethod` URL to a public key.

Implements Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method" as Data Integrity uses
it: dereference the controller document, find the method, check that its controller is that
document, and check that the document authorizes it for the proof's purpose (e.g.
`assertionMethod`), so a key published for one purpose cannot sign for another.

Errors: `ResolutionError` when the key could not be obtained (unsupported method or key type,
document not available); `ProofVerificationError` when the documents contradict the proof
(method missing, wrong controller, not authorized for the purpose).

did:key is resolved locally. Everything else comes from `documents`, a mapping from URL to parsed
JSON that the caller supplies; the service layer may pass a lazy mapping whose `get()` fetches,
so this module only ever calls `documents.get(key)`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from credex.core.dids.did_key import DID_KEY_PREFIX, did_key_document
from credex.core.dids.did_web import DID_WEB_PREFIX, did_web_to_url
from credex.core.errors import CoreError, ProofVerificationError, ResolutionError
from credex.core.keys import PublicKey

_MIN_RSA_BITS = 2048
_EC_CURVES: dict[str, tuple[ec.EllipticCurve, int]] = {
    "P-256": (ec.SECP256R1(), 32),
    "P-384": (ec.SECP384R1(), 48),
}


@dataclass(frozen=True)
class ResolvedMethod:
    """A verification method that was found, authorized and turned into a usable key."""

    id: str
    controller: str
    public_key: PublicKey
    method: dict[str, Any]


def resolve_did_document(did: str, documents: Mapping[str, Any] | None) -> dict[str, Any]:
    """DID document of a did:key (computed) or a did:web (from `documents`)."""
    if did.startswith(DID_KEY_PREFIX):
        return _with_revocations(did_key_document(did), documents)
    if did.startswith(DID_WEB_PREFIX):
        url = did_web_to_url(did)
        document = _lookup(documents, url, did) or _lookup(documents, did, did)
        if document is None:
            raise ResolutionError(f"DID document not available offline: {did} ({url})")
        _check_document_id(document, did)
        return document
    method = ":".join(did.split(":")[:2])
    raise ResolutionError(f"unsupported DID method {method!r}: {did}")


def resolve_verification_method(
    vm_url: str,
    documents: Mapping[str, Any] | None,
    *,
    purpose: str | None = "assertionMethod",
) -> ResolvedMethod:
    """Find, authorize and decode the key behind `vm_url` (CID 1.0 §3.3)."""
    if not isinstance(vm_url, str) or not vm_url:
        raise ResolutionError("verificationMethod must be a non-empty URL string")
    base = vm_url.partition("#")[0]
    if base.startswith("did:"):
        controller_doc = resolve_did_document(base, documents)
    elif base.startswith("https://") or base.startswith("http://"):
        controller_doc = _controller_document_for_url(vm_url, base, documents)
    else:
        raise ResolutionError(f"verificationMethod is neither a DID URL nor an HTTP URL: {vm_url}")
    controller = controller_doc["id"]
    method = _find_method(controller_doc, vm_url)
    if method is None:
        raise ProofVerificationError(
            f"verification method not found in controller document: {vm_url}"
        )
    if method.get("controller") != controller:
        raise ProofVerificationError(
            f"verification method {vm_url} names controller {method.get('controller')!r}, "
            f"not the document {controller!r}"
        )
    if purpose is not None and not _authorizes(controller_doc, purpose, vm_url):
        raise ProofVerificationError(
            f"verification method {vm_url} is not authorized for {purpose}"
        )
    return ResolvedMethod(vm_url, controller, public_key_from_method(method), method)


def _controller_document_for_url(
    vm_url: str, base: str, documents: Mapping[str, Any] | None
) -> dict[str, Any]:
    document = _lookup(documents, base, vm_url) or _lookup(documents, vm_url, vm_url)
    if document is None:
        raise ResolutionError(f"controller document not available offline: {base}")
    expected = base
    if document.get("id") == vm_url and "verificationMethod" not in document:
        # the URL dereferenced to the method itself; its controller holds the relationships
        expected = document.get("controller")  # type: ignore[assignment]
        if not isinstance(expected, str) or not expected:
            raise ResolutionError(f"verification method without a controller: {vm_url}")
        found = _lookup(documents, expected, vm_url)
        if found is None:
            raise ResolutionError(f"controller document not available offline: {expected}")
        document = found
    _check_document_id(document, expected)
    return document


def _with_revocations(
    document: dict[str, Any], documents: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A did:key document is computed, never taken from elsewhere; but a caller that knows one
    of its keys was compromised (credex's own did:key issuers) may supply, under the DID,
    `{"verificationMethod": [{"id", "revoked"}]}`. Only `revoked` dates are copied, which can
    only make verification stricter (CID 1.0 `revoked`)."""
    try:
        extra = _lookup(documents, document["id"], document["id"])
    except ResolutionError:
        return document
    methods = extra.get("verificationMethod") if extra else None
    if not isinstance(methods, list):
        return document
    revoked = {
        method.get("id"): method["revoked"]
        for method in methods
        if isinstance(method, dict) and isinstance(method.get("revoked"), str)
    }
    for method in document["verificationMethod"]:
        if method["id"] in revoked:
            method["revoked"] = revoked[method["id"]]
    return document


def _lookup(documents: Mapping[str, Any] | None, key: str, what: str) -> dict[str, Any] | None:
    if documents is None:
        return None
    try:
        found = documents.get(key)
    except CoreError:
        raise
    except Exception as exc:  # a lazy mapping may fail to fetch; report, don't crash
        raise ResolutionError(f"could not retrieve {key} for {what}: {exc}") from exc
    if isinstance(found, str | bytes):
        try:
            found = json.loads(found)
        except ValueError as exc:
            raise ResolutionError(f"controller document is not JSON: {key}") from exc
    if found is not None and not isinstance(found, dict):
        raise ResolutionError(f"controller document is not a JSON object: {key}")
    return found


def _check_document_id(document: dict[str, Any], expected: Any) -> None:
    if not isinstance(document.get("id"), str) or document.get("id") != expected:
        raise ProofVerificationError(
            f"controller document id {document.get('id')!r} does not match {expected!r}"
        )


def _absolute(document_id: str, ref: Any) -> Any:
    return document_id + ref if isinstance(ref, str) and ref.startswith("#") else ref


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _find_method(document: dict[str, Any], vm_url: str) -> dict[str, Any] | None:
    """The method with id `vm_url`, listed in verificationMethod or embedded in a relationship."""
    doc_id = document["id"]
    candidates = _as_list(document.get("verificationMethod"))
    for key, value in document.items():
        if key != "verificationMethod":
            candidates.extend(v for v in _as_list(value) if isinstance(v, dict))
    for candidate in candidates:
        if isinstance(candidate, dict) and _absolute(doc_id, candidate.get("id")) == vm_url:
            return candidate
    return None


def _authorizes(document: dict[str, Any], purpose: str, vm_url: str) -> bool:
    doc_id = document["id"]
    for entry in _as_list(document.get(purpose)):
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if _absolute(doc_id, ref) == vm_url:
            return True
    return False


def public_key_from_method(method: dict[str, Any]) -> PublicKey:
    """Decode the key of a Multikey, Ed25519VerificationKey2020/2018 or JsonWebKey(2020) method."""
    kind = method.get("type")
    try:
        if kind in ("Multikey", "Ed25519VerificationKey2020"):
            key = PublicKey.from_multikey(_required_str(method, "publicKeyMultibase"))
            if kind == "Ed25519VerificationKey2020" and key.algorithm != "Ed25519":
                raise ResolutionError("Ed25519VerificationKey2020 must hold an Ed25519 key")
            return key
        if kind == "Ed25519VerificationKey2018":
            raw = base58.b58decode(_required_str(method, "publicKeyBase58"))
            return PublicKey.from_ed25519_bytes(raw)
        if kind in ("JsonWebKey", "JsonWebKey2020"):
            jwk = method.get("publicKeyJwk")
            if not isinstance(jwk, dict):
                raise ResolutionError(f"{kind} needs a publicKeyJwk object")
            return public_key_from_jwk(jwk)
    except ValueError as exc:
        raise ResolutionError(f"invalid {kind} key: {exc}") from exc
    raise ResolutionError(f"unsupported verification method type {kind!r}")


def _required_str(method: dict[str, Any], name: str) -> str:
    value = method.get(name)
    if not isinstance(value, str) or not value:
        raise ResolutionError(f"{method.get('type')} needs a {name} string")
    return value


def public_key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """Public key from a JWK (RFC 7517/7518/8037): OKP Ed25519, EC P-256/P-384, RSA >= 2048."""
    if "d" in jwk or any(name in jwk for name in ("p", "q", "dp", "dq", "qi")):
        raise ResolutionError("a public JWK must not contain private key members")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        return PublicKey.from_ed25519_bytes(_b64url(jwk, "x"))
    if kty == "EC" and crv in _EC_CURVES:
        curve, size = _EC_CURVES[crv]
        x, y = _b64url(jwk, "x"), _b64url(jwk, "y")
        if len(x) != size or len(y) != size:
            raise ResolutionError(f"{crv} JWK coordinates must be {size} bytes")
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve
        )
        try:
            return PublicKey("P-256" if crv == "P-256" else "P-384", numbers.public_key())
        except ValueError as exc:
            raise ResolutionError(f"{crv} JWK point is not on the curve") from exc
    if kty == "RSA":
        n = int.from_bytes(_b64url(jwk, "n"), "big")
        e = int.from_bytes(_b64url(jwk, "e"), "big")
        if n.bit_length() < _MIN_RSA_BITS:
            raise ResolutionError(f"RSA keys must have at least {_MIN_RSA_BITS} bits")
        try:
            return PublicKey("RSA", rsa.RSAPublicNumbers(e, n).public_key())
        except ValueError as exc:
            raise ResolutionError(f"invalid RSA JWK: {exc}") from exc
    raise ResolutionError(f"unsupported JWK kty/crv: {kty!r}/{crv!r}")


def _b64url(jwk: dict[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str) or not value or "=" in value:
        raise ResolutionError(f"JWK member {name!r} must be unpadded base64url")
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ResolutionError(f"JWK member {name!r} is not base64url") from exc
