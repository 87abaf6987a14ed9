"""HostedBadge verification (OB 2.0 §HostedBadge Verification).

The issuer's server is the source of truth: the assertion is fetched from its `id`, a copy in
hand (JSON, a baked image) must describe the same award, and the fetched copy is what every
later check reads. 410 Gone or `revoked: true` means revoked. The `id` must lie within the
scope the issuer Profile declares (`verification.startsWith` / `allowedOrigins`), by default
the origin of the Profile's own `id`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from credex.core.ob2.documents import Documents, Malformed, Unavailable, is_http, node_id
from credex.core.ob2.shape import as_list, assertion_problems

COMPARED = ("id", "recipient", "badge", "issuedOn")


@dataclass
class HostedCopy:
    """What fetching the assertion's `id` gave: the copy, or why there is none."""

    assertion: dict[str, Any] | None
    outcome: str  # "same", "differs", "revoked", "unavailable", "malformed"
    detail: str
    revocation_reason: str | None = None


def fetch_hosted(given: Mapping[str, Any], documents: Documents, *, compare: bool) -> HostedCopy:
    """The issuer's copy of `given`; `compare`: a copy in hand must match it."""
    fetched = _fetch(given.get("id"), documents)
    if isinstance(fetched, HostedCopy):
        return fetched
    if fetched.get("revoked") is True:
        reason = fetched.get("revocationReason")
        return HostedCopy(
            fetched,
            "revoked",
            f"the issuer's hosted copy says it is revoked{f': {reason}' if reason else ''}",
            str(reason) if reason else None,
        )
    problems = assertion_problems(fetched)
    if problems:
        detail = f"the hosted copy is not a valid assertion: {'; '.join(problems)}"
        return HostedCopy(None, "malformed", detail)
    differing = [name for name in COMPARED if compare and not _same(given, fetched, name)]
    if differing:
        detail = f"the copy given differs from the issuer's hosted copy in {', '.join(differing)}"
        return HostedCopy(fetched, "differs", detail)
    return HostedCopy(fetched, "same", f"the issuer hosts this assertion at {fetched['id']}")


def _fetch(url: Any, documents: Documents) -> dict[str, Any] | HostedCopy:
    if not is_http(url):
        return HostedCopy(None, "malformed", "a hosted assertion needs an HTTP(S) id to fetch")
    try:
        return documents.get(str(url))
    except Unavailable as exc:
        if exc.gone:
            return HostedCopy(None, "revoked", f"the issuer answers 410 Gone at {url}")
        return HostedCopy(None, "unavailable", exc.detail)
    except Malformed as exc:
        return HostedCopy(None, "malformed", exc.detail)


def _same(given: Mapping[str, Any], hosted: Mapping[str, Any], name: str) -> bool:
    if name == "badge":
        return node_id(given.get("badge")) == node_id(hosted.get("badge"))
    return bool(given.get(name) == hosted.get(name))


def within_scope(assertion_id: str, issuer: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether the assertion `id` is in the issuer's hosted-verification scope, and why."""
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, Mapping) else {}
    prefixes = [p for p in as_list(policy.get("startsWith")) if isinstance(p, str) and p]
    if prefixes and not any(assertion_id.startswith(prefix) for prefix in prefixes):
        return False, f"{assertion_id} does not start with any of {', '.join(prefixes)}"
    origins = [o for o in as_list(policy.get("allowedOrigins")) if isinstance(o, str) and o]
    if prefixes and not origins:
        return True, f"{assertion_id} is within the issuer's startsWith scope"
    if not origins:
        issuer_id = issuer.get("id")
        if not is_http(issuer_id):
            return False, "the issuer Profile has no HTTP(S) id to take the default origin from"
        origins = [urlsplit(str(issuer_id)).netloc.lower()]
    parts = urlsplit(assertion_id)
    names = {parts.netloc.lower(), (parts.hostname or "").lower()}
    if not is_http(assertion_id) or not names & {origin.lower() for origin in origins}:
        return False, f"{assertion_id} is not hosted on the issuer's origins ({', '.join(origins)})"
    return True, f"{assertion_id} is hosted on an origin the issuer allows ({', '.join(origins)})"
