"""What an OB 2.0 Assertion must look like (OB 2.0 §Assertion, §IdentityObject,
§VerificationObject, §Primitive datatypes), and how to recognise one.

Deliberately a little lenient where real badges differ from the letter of the spec and no
security question depends on it: `hashed` may be omitted when the identity is visibly a
`sha256$`/`md5$` hash, and a date-time without a time zone is read as UTC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from credex.core.credentials.lexical import is_absolute_uri
from credex.core.errors import ParsingError
from credex.core.jwt import decode_jwt, looks_like_jws

OB2_CONTEXTS = frozenset(
    {
        "https://w3id.org/openbadges/v2",
        "http://w3id.org/openbadges/v2",
        "https://openbadgespec.org/v2/context.json",
    }
)
HOSTED_TYPES = frozenset({"hosted", "HostedBadge"})
SIGNED_TYPES = frozenset({"signed", "SignedBadge"})
_HASHED_IDENTITY = re.compile(r"^(?:sha256|md5)\$[0-9a-fA-F]+$")

Method = Literal["hosted", "signed"]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_ob2_assertion(value: Mapping[str, Any]) -> bool:
    """True when the object declares the OB 2.0 JSON-LD context."""
    return any(context in OB2_CONTEXTS for context in as_list(value.get("@context")))


def is_ob2(data: Mapping[str, Any] | str) -> bool:
    """An OB 2.0 assertion as an object, JSON text, or a compact JWS whose payload is one."""
    if isinstance(data, Mapping):
        return is_ob2_assertion(data)
    text = data.strip()
    if looks_like_jws(text):
        try:
            _header, payload, _input, _signature = decode_jwt(text)
        except ParsingError:
            return False
        return is_ob2_assertion(payload)
    if not text.startswith("{"):
        return False
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and is_ob2_assertion(value)


def parse_datetime(value: Any) -> datetime:
    """An OB 2.0 DateTime (ISO 8601); naive values are UTC. Raises ValueError."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not an ISO 8601 date-time string")
    parsed = datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def verification_object(assertion: Mapping[str, Any]) -> Mapping[str, Any] | None:
    found = assertion.get("verification", assertion.get("verify"))
    return found if isinstance(found, Mapping) else None


def verification_method(assertion: Mapping[str, Any]) -> Method | None:
    found = verification_object(assertion)
    types = set(as_list(found.get("type"))) if found is not None else set()
    if types & HOSTED_TYPES:
        return "hosted"
    if types & SIGNED_TYPES:
        return "signed"
    return None


def is_hashed(recipient: Mapping[str, Any]) -> bool:
    hashed = recipient.get("hashed")
    if isinstance(hashed, bool):
        return hashed
    identity = recipient.get("identity")
    return isinstance(identity, str) and bool(_HASHED_IDENTITY.match(identity))


def assertion_problems(assertion: Mapping[str, Any]) -> list[str]:
    """Each missing or malformed required property, as `/pointer: problem`."""
    problems: list[str] = []
    if not is_ob2_assertion(assertion):
        problems.append("/@context: must include https://w3id.org/openbadges/v2")
    if "Assertion" not in as_list(assertion.get("type")):
        problems.append("/type: must be Assertion")
    identifier = assertion.get("id")
    if not isinstance(identifier, str) or not is_absolute_uri(identifier):
        problems.append("/id: must be an IRI")
    problems += _recipient_problems(assertion.get("recipient"))
    badge = assertion.get("badge")
    if not (isinstance(badge, str) and is_absolute_uri(badge)) and not (
        isinstance(badge, Mapping) and isinstance(badge.get("id"), str)
    ):
        problems.append("/badge: must be a BadgeClass IRI or an object with an id")
    if verification_method(assertion) is None:
        problems.append("/verification: type must be HostedBadge or SignedBadge")
    for name, required in (("issuedOn", True), ("expires", False)):
        if name not in assertion and not required:
            continue
        try:
            parse_datetime(assertion.get(name))
        except ValueError:
            problems.append(f"/{name}: must be an ISO 8601 date-time")
    return problems


def _recipient_problems(recipient: Any) -> list[str]:
    if not isinstance(recipient, Mapping):
        return ["/recipient: must be an IdentityObject"]
    problems = []
    if not isinstance(recipient.get("identity"), str) or not recipient["identity"].strip():
        problems.append("/recipient/identity: must be a string")
    if not isinstance(recipient.get("type"), str):
        problems.append("/recipient/type: must name the identity property, e.g. email")
    if "hashed" in recipient and not isinstance(recipient["hashed"], bool):
        problems.append("/recipient/hashed: must be true or false")
    if "salt" in recipient and not isinstance(recipient["salt"], str):
        problems.append("/recipient/salt: must be a string")
    return problems


def badge_class_problems(badge: Mapping[str, Any]) -> list[str]:
    """Required BadgeClass properties this service reads (id, type, name, issuer)."""
    problems = []
    if "BadgeClass" not in as_list(badge.get("type")):
        problems.append("type must be BadgeClass")
    if not isinstance(badge.get("name"), str) or not badge["name"].strip():
        problems.append("name must be a string")
    issuer = badge.get("issuer")
    if not isinstance(issuer, str) and not (
        isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str)
    ):
        problems.append("issuer must be a Profile IRI or an object with an id")
    return problems


def profile_problems(profile: Mapping[str, Any]) -> list[str]:
    """An issuer Profile needs an id and the type Issuer or Profile."""
    problems = []
    if not {"Issuer", "Profile"} & set(as_list(profile.get("type"))):
        problems.append("type must be Issuer or Profile")
    if not isinstance(profile.get("id"), str):
        problems.append("id must be an IRI")
    return problems
