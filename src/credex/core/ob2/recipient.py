"""Recipient and validity checks of an OB 2.0 assertion (OB 2.0 §IdentityObject, §Verification).

The recipient is an `email` IdentityObject, plain or hashed (`sha256$`/`md5$` of the address
plus `salt`); it is matched with the same routine as OB 3.0 identifiers (case-insensitive
address, constant-time comparison).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from credex.core.credentials.identity import identity_matches
from credex.core.ob2.shape import is_hashed, parse_datetime

CLOCK_SKEW = timedelta(minutes=5)
"""Tolerance for `issuedOn` in the future: issuer and verifier clocks are never equal."""


def recipient_outcome(assertion: Mapping[str, Any], email: str) -> tuple[bool, str]:
    recipient = assertion.get("recipient")
    if not isinstance(recipient, Mapping):
        return False, "the assertion has no recipient"
    kind = recipient.get("type")
    if kind != "email":
        return False, f"the recipient is identified by {kind!r}, not an email address"
    identity = {
        "identityType": "emailAddress",
        "identityHash": recipient.get("identity"),
        "hashed": is_hashed(recipient),
        "salt": recipient.get("salt"),
    }
    if identity_matches(identity, email):
        how = "hashed " if identity["hashed"] else ""
        return True, f"the email matches the {how}recipient identity"
    return False, "the email does not match the assertion's recipient"


def validity_outcome(assertion: Mapping[str, Any], now: datetime) -> tuple[bool, str]:
    try:
        issued = parse_datetime(assertion.get("issuedOn"))
        expires = parse_datetime(assertion["expires"]) if "expires" in assertion else None
    except ValueError as exc:
        return False, f"unreadable dates: {exc}"
    if issued > now + CLOCK_SKEW:
        return False, f"issued in the future ({issued.isoformat()})"
    if expires is not None and expires <= now:
        return False, f"expired on {expires.isoformat()}"
    if expires is not None:
        return True, f"issued {issued.isoformat()}, expires {expires.isoformat()}"
    return True, f"issued {issued.isoformat()}, no expiry"
