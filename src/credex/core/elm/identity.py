"""The learner's identifier in an ELM credential: the OB recipient hash, readable back.

ELM's `Identifier` has a `notation` and a `schemeName`, no salt: credex writes the salted
e-mail hash of the OB credential (`sha256$…`) as the notation and names the scheme, salt
included, in `schemeName`, so a verifier told the e-mail address can check it as for OB 3.0.
"""

from __future__ import annotations

import re
from typing import Any

from credex.core.credentials.identity import identity_matches

SCHEME = "credex salted e-mail hash: sha256(e-mail address + salt)"
_SALTED = re.compile(re.escape(SCHEME) + r"(?:, salt (?P<salt>\S+))?$")


def scheme_name(salt: str | None) -> str:
    return f"{SCHEME}, salt {salt}" if salt else SCHEME


def elm_identity_matches(identifier: Any, email: str) -> bool:
    """Whether an ELM `Identifier` written by `scheme_name` records this e-mail address."""
    if not isinstance(identifier, dict) or not isinstance(identifier.get("notation"), str):
        return False
    match = _SALTED.match(str(identifier.get("schemeName", "")))
    if match is None:
        return False
    identity = {
        "identityHash": identifier["notation"],
        "identityType": "emailAddress",
        "hashed": True,
        "salt": match.group("salt"),
    }
    return identity_matches(identity, email)
