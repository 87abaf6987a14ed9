"""Public documents for an issuer: its did:web identifier, OB 3.0 Profile and DID document.

Pure functions of stored rows and the deployment's public origin (`CREDEX_BASE_URL`), so the
issuance code can embed exactly the same Profile in credentials. The DID document comes from
`credex.core.dids.build_did_web_document`; this module adds the credex-specific parts (key
names, the `revoked` date of compromised keys).

DID: `did:web:<host>[%3A<port>][:<base path segments>]:issuers:<uuid>`, which a did:web resolver
maps back to `<base_url>/issuers/<uuid>/did.json` (https in production; did:web §Read).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from credex.core.credentials.lexical import format_date_time
from credex.core.credentials.vocab import OB_CONTEXT, VC_V2_CONTEXT
from credex.core.dids import build_did_web_document
from credex.db.models import Issuer, IssuerKey

PROFILE_CONTEXT = [VC_V2_CONTEXT, OB_CONTEXT]

# stored address part → OB 3.0 Address property
_ADDRESS_TERMS = {
    "street_address": "streetAddress",
    "post_office_box_number": "postOfficeBoxNumber",
    "locality": "addressLocality",
    "region": "addressRegion",
    "postal_code": "postalCode",
    "country": "addressCountry",
}


def did_web_prefix(base_url: str) -> str:
    """`did:web:` plus the host (port percent-encoded) and any path of the base URL."""
    parts = urlsplit(base_url)
    host = quote(parts.netloc, safe="")  # `localhost:8000` → `localhost%3A8000`
    segments = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *segments])


def issuer_did(issuer_id: uuid.UUID, base_url: str) -> str:
    return f"{did_web_prefix(base_url)}:issuers:{issuer_id}"


def issuer_identifier(issuer: Issuer, base_url: str) -> str:
    """The issuer's primary DID: its did:web, or (did:key issuers) the did:key of its Ed25519 key.

    A did:key names exactly one key, so a did:key issuer's P-256 key is a second did:key
    (`did:key:zDn…`, `IssuerKey.controller`): credentials signed with it name that DID as issuer.
    """
    return issuer.did or issuer_did(issuer.id, base_url)


def key_controller(key: IssuerKey, base_url: str) -> str:
    """The DID that controls `key`: its own did:key, or the issuer's did:web."""
    return key.controller or issuer_did(key.issuer_id, base_url)


def key_verification_method(key: IssuerKey, base_url: str) -> str:
    """`<did:web>#key-<n>`, or `did:key:z…#z…` (did:key §3.1.1) for did:key issuers."""
    if key.controller:
        return f"{key.controller}#{key.public_key_multibase}"
    return verification_method_id(issuer_did(key.issuer_id, base_url), key.number)


def issuer_id_from_did(did: str, base_url: str) -> uuid.UUID | None:
    """The issuer id if `did` is one of this deployment's issuer DIDs, else None."""
    prefix = did_web_prefix(base_url) + ":issuers:"
    if not did.startswith(prefix):
        return None
    try:
        return uuid.UUID(did.removeprefix(prefix))
    except ValueError:
        return None


def did_document_url(issuer_id: uuid.UUID, base_url: str) -> str:
    return f"{base_url}/issuers/{issuer_id}/did.json"


def profile_url(issuer_id: uuid.UUID, base_url: str) -> str:
    return f"{base_url}/issuers/{issuer_id}"


def key_name(number: int) -> str:
    return f"key-{number}"


def verification_method_id(did: str, number: int) -> str:
    return f"{did}#{key_name(number)}"


def issuer_profile(issuer: Issuer, base_url: str, *, did: str | None = None) -> dict[str, Any]:
    """The issuer as an OB 3.0 `Profile` (no `@context`: ready to embed as `credential.issuer`).

    `did` overrides the id: a did:key issuer signing with its P-256 key is that key's did:key.

    Only OB-defined terms are emitted: an undefined term would be dropped from the signed
    graph (STANDARDS G1). Quality assurance and the accreditation note have no Profile term, so
    they stay out; they belong on the Achievement (Annex I element 11).
    """
    profile: dict[str, Any] = {
        "id": did or issuer_identifier(issuer, base_url),
        "type": ["Profile"],
        "name": issuer.name,
    }
    for field, term in (
        ("url", "url"),
        ("phone", "phone"),
        ("description", "description"),
        ("email", "email"),
    ):
        value = getattr(issuer, field)
        if value:
            profile[term] = value
    if issuer.image:
        profile["image"] = {"id": issuer.image, "type": "Image"}
    address = _profile_address(issuer)
    if address:
        profile["address"] = address
    if issuer.other_identifiers:
        profile["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": entry["identifier"],
                "identifierType": entry["identifier_type"],
            }
            for entry in issuer.other_identifiers
        ]
    return profile


def public_profile_document(issuer: Issuer, base_url: str) -> dict[str, Any]:
    """The stand-alone Profile served at `/issuers/{id}`: the embedded form plus `@context`."""
    return {"@context": list(PROFILE_CONTEXT), **issuer_profile(issuer, base_url)}


def _profile_address(issuer: Issuer) -> dict[str, Any] | None:
    stored = issuer.address or {}
    address: dict[str, Any] = {"type": ["Address"]}
    for field, term in _ADDRESS_TERMS.items():
        if stored.get(field):
            address[term] = stored[field]
    if issuer.country:
        address["addressCountryCode"] = issuer.country
    return address if len(address) > 1 else None


def did_document(issuer_id: uuid.UUID, keys: Sequence[IssuerKey], base_url: str) -> dict[str, Any]:
    """The did:web DID document: every key the issuer ever had, as a Multikey.

    Retired keys stay so old credentials verify. Compromised keys stay too, in
    `assertionMethod`, with the CID 1.0 `revoked` timestamp: dropping them would make every
    credential signed BEFORE the compromise fail at external verifiers, while the requirement
    is only that signatures made at or after `revoked` fail. credex's own verifier enforces
    that cut-off through `credex.keys.service.key_status`; verifiers that treat any `revoked`
    key as unusable will reject all of that key's credentials (the safer failure).

    Only `assertionMethod` is listed: issuer keys sign credentials and nothing else, so they
    are not offered for `authentication` or capability use.
    """
    did = issuer_did(issuer_id, base_url)
    document = build_did_web_document(
        did, [(f"#{key_name(key.number)}", key.public_key_multibase) for key in keys]
    )
    revoked = {
        verification_method_id(did, key.number): format_date_time(key.compromised_since)
        for key in keys
        if key.status == "compromised" and key.compromised_since is not None
    }
    for method in document["verificationMethod"]:
        if method["id"] in revoked:
            method["revoked"] = revoked[method["id"]]
    return document


def did_key_revocation(key: IssuerKey) -> dict[str, Any] | None:
    """For a compromised key of a did:key issuer: `{id, verificationMethod: [{id, revoked}]}`,
    which the core resolver merges into the computed did:key document (only `revoked`)."""
    if key.controller is None or key.status != "compromised" or key.compromised_since is None:
        return None
    return {
        "id": key.controller,
        "verificationMethod": [
            {
                "id": key_verification_method(key, ""),
                "revoked": format_date_time(key.compromised_since),
            }
        ],
    }
