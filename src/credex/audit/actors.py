"""Who acted, as one string that services pass around: `<role>:<token id or ->:<name>`.

Services take `actor: str` (not a `Principal`) so background jobs and the demo loader can act
too; the audit log splits it back into role, token id and name columns. Strings in other
shapes are still understood as far as possible (a leading known role, the first UUID as the
token id), so an entry never loses who acted.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from credex.auth.principal import Principal

SYSTEM_ROLE = "system"
KNOWN_ROLES = frozenset({"admin", "issuer", "learner", SYSTEM_ROLE})
_NO_TOKEN = "-"  # noqa: S105 - a placeholder, not a secret
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
MAX_ACTOR_CHARS = 300


@dataclass(frozen=True)
class Actor:
    role: str
    token_id: uuid.UUID | None
    name: str


def actor_label(principal: Principal) -> str:
    """The actor string for a request made with `principal`'s token."""
    return f"{principal.role}:{principal.token_id}:{principal.name}"[:MAX_ACTOR_CHARS]


def system_actor(name: str) -> str:
    """The actor string for work done by the service itself (demo loader, jobs)."""
    return f"{SYSTEM_ROLE}:{_NO_TOKEN}:{name}"[:MAX_ACTOR_CHARS]


def parse_actor(actor: str) -> Actor:
    role, _, rest = actor.partition(":")
    if role not in KNOWN_ROLES or not rest:
        return Actor(SYSTEM_ROLE, None, actor[:MAX_ACTOR_CHARS])
    token, _, name = rest.partition(":")
    if (token == _NO_TOKEN or _UUID.fullmatch(token)) and name:
        return Actor(role, None if token == _NO_TOKEN else uuid.UUID(token), name)
    found = _UUID.search(rest)
    return Actor(role, uuid.UUID(found.group()) if found else None, rest[:MAX_ACTOR_CHARS])
