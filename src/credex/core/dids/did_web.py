"""did:web: the DID document lives at a well-known HTTPS URL of the controller's domain.

`did_web_to_url` implements DID Web §3.2.2 "Read (Resolve)": the method-specific id's `:` become
`/`, a percent-encoded port (`%3A`) is decoded, `/.well-known` is used when there is no path, and
`/did.json` is appended. IP-address hosts are refused (§2.5 Security: the host must match a TLS
certificate). Fetching is the service's job; core only computes the URL and builds documents.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from credex.core.dids.did_key import DID_CONTEXT, MULTIKEY_CONTEXT
from credex.core.errors import ResolutionError
from credex.core.keys import PublicKey

DID_WEB_PREFIX = "did:web:"
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_PATH_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=@-]|%[0-9A-Fa-f]{2})+")


def did_web_to_url(did: str) -> str:
    """HTTPS URL of the DID document for `did:web:…` (DID Web §3.2.2)."""
    if not isinstance(did, str) or not did.startswith(DID_WEB_PREFIX):
        raise ResolutionError(f"not a did:web: {did!r}")
    host_part, *path = did[len(DID_WEB_PREFIX) :].split(":")
    host, _, port = host_part.replace("%3a", "%3A").partition("%3A")
    _check_host(did, host, port)
    for segment in path:
        if not _PATH_SEGMENT.fullmatch(segment) or segment in (".", ".."):
            raise ResolutionError(f"invalid did:web path segment {segment!r} in {did!r}")
    authority = f"{host}:{port}" if port else host
    location = "/" + "/".join(path) if path else "/.well-known"
    return f"https://{authority}{location}/did.json"


def _check_host(did: str, host: str, port: str) -> None:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise ResolutionError(f"did:web must name a domain, not an IP address: {did!r}")
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ResolutionError(f"invalid did:web domain name in {did!r}")
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise ResolutionError(f"invalid did:web port in {did!r}")


def build_did_web_document(
    did: str,
    verification_methods: Iterable[tuple[str, str]],
    assertion_ids: Iterable[str] | None = None,
) -> dict[str, Any]:
    """DID document for credex's own did:web issuers, served at `did_web_to_url(did)`.

    `verification_methods` are (id, publicKeyMultibase) pairs; an id may be `#fragment` or the
    full DID URL. `assertion_ids` (default: all) are listed under `assertionMethod`, so old keys
    can stay resolvable for old credentials without being usable for new ones.
    """
    did_web_to_url(did)
    methods = []
    for method_id, multibase in verification_methods:
        PublicKey.from_multikey(multibase)  # reject keys verifiers could not use
        methods.append(
            {
                "id": _absolute(did, method_id),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase,
            }
        )
    known = [method["id"] for method in methods]
    assertion = known if assertion_ids is None else [_absolute(did, i) for i in assertion_ids]
    unknown = sorted(set(assertion) - set(known))
    if unknown:
        raise ResolutionError(f"assertionMethod ids without a verification method: {unknown}")
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": assertion,
    }


def _absolute(did: str, method_id: str) -> str:
    if method_id.startswith("#") and len(method_id) > 1:
        return did + method_id
    if method_id.startswith(did + "#") and len(method_id) > len(did) + 1:
        return method_id
    raise ResolutionError(f"verification method id must be '#fragment' or '{did}#…': {method_id}")
