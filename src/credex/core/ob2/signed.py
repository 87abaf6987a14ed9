"""SignedBadge verification (OB 2.0 §SignedBadge Verification, steps 4–7).

The assertion is the payload of a compact JWS. Only keys the issuer Profile lists in
`publicKey` are trusted; `verification.creator` picks one of them and must be listed too. Each
key is a CryptographicKey document with `publicKeyPem` whose `owner` is the issuer. RS256 is
what OB 2.0 recommends; ES256 and EdDSA are accepted as well. Revocation is the issuer's
`revocationList` (`revokedAssertions`: ids or objects with `id`/`uid`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from credex.core.errors import ParsingError
from credex.core.jwt import decode_jwt
from credex.core.keys import KeyAlgorithm, PublicKey
from credex.core.ob2.documents import Documents, Malformed, Unavailable, node_id
from credex.core.ob2.shape import as_list, verification_object
from credex.core.verification.report import Outcome

ALGORITHMS: dict[str, KeyAlgorithm] = {"RS256": "RSA", "ES256": "P-256", "EdDSA": "Ed25519"}
MIN_RSA_BITS = 2048


@dataclass
class SignatureResult:
    """`outcome` is passed, failed or error for the signature; `binding` the same for the key."""

    outcome: Outcome
    detail: str
    binding: Outcome = "skipped"
    binding_detail: str = "no verified signature to bind to the issuer"


def payload_of(token: str) -> dict[str, Any]:
    """The assertion inside a compact JWS (unverified). Raises ParsingError."""
    _header, payload, _signing_input, _signature = decode_jwt(token)
    return payload


def check_signature(
    token: str, assertion: Mapping[str, Any], issuer: Mapping[str, Any], documents: Documents
) -> SignatureResult:
    try:
        header, _payload, signing_input, signature = decode_jwt(token)
    except ParsingError as exc:
        return SignatureResult("failed", exc.detail)
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        return SignatureResult("failed", f"JWS algorithm {algorithm!r} is not RS256/ES256/EdDSA")
    if "crit" in header or "b64" in header:
        return SignatureResult("failed", "JWS headers crit/b64 are not supported")
    listed = [key for key in (node_id(k) for k in as_list(issuer.get("publicKey"))) if key]
    creator = node_id((verification_object(assertion) or {}).get("creator"))
    if creator is not None and creator not in listed:
        return SignatureResult(
            "failed",
            f"signed with {creator}, a key the issuer Profile does not list",
            "failed",
            f"the issuer {issuer.get('id')} does not list the key {creator} in publicKey",
        )
    candidates = [creator] if creator else listed
    if not candidates:
        return SignatureResult("failed", "the issuer Profile lists no public key")
    return _try_keys(candidates, str(algorithm), (signing_input, signature), issuer, documents)


def _try_keys(
    candidates: list[str],
    algorithm: str,
    signed: tuple[bytes, bytes],
    issuer: Mapping[str, Any],
    documents: Documents,
) -> SignatureResult:
    """Verify with each trusted candidate key; `signed` is (signing input, signature)."""
    signing_input, signature = signed
    undecided: list[str] = []
    refused: list[str] = []
    for key_id in candidates:
        try:
            key = _trusted_key(key_id, issuer, documents)
        except Unavailable as exc:
            undecided.append(exc.detail)
            continue
        except Malformed as exc:
            refused.append(exc.detail)
            continue
        if key.algorithm != ALGORITHMS[algorithm]:
            refused.append(f"{key_id} is a {key.algorithm} key, not one for {algorithm}")
        elif key.verify(signature, signing_input):
            return SignatureResult(
                "passed",
                f"JWS signature verified ({algorithm}) with {key_id}",
                "passed",
                f"the key {key_id} is owned and listed by the issuer {issuer.get('id')}",
            )
    if undecided and not refused and len(undecided) == len(candidates):
        return SignatureResult("error", "; ".join(undecided))
    if refused:
        detail = "; ".join(refused)
        return SignatureResult("failed", f"no usable key of the issuer: {detail}", "failed", detail)
    return SignatureResult("failed", "the JWS signature does not verify with the issuer's key(s)")


def _trusted_key(key_id: str, issuer: Mapping[str, Any], documents: Documents) -> PublicKey:
    """The key document: embedded in the (fetched) Profile, else fetched from its id."""
    keys = [k for k in as_list(issuer.get("publicKey")) if isinstance(k, Mapping)]
    embedded = next((k for k in keys if k.get("id") == key_id and "publicKeyPem" in k), None)
    document = embedded if embedded is not None else documents.get(key_id)
    owner = node_id(document.get("owner"))
    if owner != issuer.get("id"):
        raise Malformed(f"the key {key_id} is owned by {owner!r}, not by the issuer")
    pem = document.get("publicKeyPem")
    if not isinstance(pem, str):
        raise Malformed(f"the key {key_id} has no publicKeyPem")
    return public_key_from_pem(pem, key_id)


def public_key_from_pem(pem: str, key_id: str = "the key") -> PublicKey:
    try:
        key = load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError) as exc:
        raise Malformed(f"{key_id}: publicKeyPem is not a PEM public key") from exc
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise Malformed(f"{key_id}: RSA keys must have at least {MIN_RSA_BITS} bits")
        return PublicKey("RSA", key)
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return PublicKey("P-256", key)
    if isinstance(key, ed25519.Ed25519PublicKey):
        return PublicKey("Ed25519", key)
    raise Malformed(f"{key_id}: only RSA, P-256 and Ed25519 keys are supported")


@dataclass
class Revocation:
    outcome: Outcome
    detail: str


def check_revocation_list(
    assertion: Mapping[str, Any], issuer: Mapping[str, Any], documents: Documents
) -> Revocation:
    url = node_id(issuer.get("revocationList"))
    if url is None:
        return Revocation("skipped", "the issuer publishes no revocation list")
    try:
        listing = documents.get(url, named=False)
    except Unavailable as exc:
        return Revocation("error", exc.detail)
    except Malformed as exc:
        return Revocation("error", f"revocation list: {exc.detail}")
    identifiers = {assertion.get("id"), assertion.get("uid")} - {None}
    for entry in as_list(listing.get("revokedAssertions")):
        if isinstance(entry, str) and entry in identifiers:
            return Revocation("failed", f"revoked (listed in {url})")
        if isinstance(entry, Mapping) and ({entry.get("id"), entry.get("uid")} & identifiers):
            if entry.get("revoked") is False:
                continue
            reason = entry.get("revocationReason")
            because = f": {reason}" if reason else ""
            return Revocation("failed", f"revoked{because} (listed in {url})")
    return Revocation("passed", f"not revoked ({url})")
