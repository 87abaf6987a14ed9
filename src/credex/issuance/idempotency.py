"""`Idempotency-Key`: a retried request returns the credential the first one issued.

The key is scoped per issuer and stored on the credential row under a unique constraint, so
two concurrent requests with one key cannot both issue: the second one's INSERT conflicts
(after waiting for the first to commit) and it answers with the first one's credential.
The same key with a different body is a client bug and gets 409, as in the IETF
draft-ietf-httpapi-idempotency-key-header §2.7.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from credex.db.models import Credential
from credex.errors import Conflict, InvalidInput

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Fields that say who asks, not what is asked for: the key is already scoped by issuer.
_NOT_HASHED = {"issuer_id", "notify"}


def checked_key(key: str | None) -> str | None:
    """The key as sent, or a 422 naming the header when it is empty, too long or not ASCII."""
    if key is None:
        return None
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            f"{HEADER} must be 1-{MAX_KEY_LENGTH} printable ASCII characters",
            errors=[{"header": HEADER, "detail": f"1-{MAX_KEY_LENGTH} printable ASCII characters"}],
        )
    return key


def request_hash(request: BaseModel) -> str:
    """SHA-256 of the request's canonical JSON (sorted keys, defaults filled in)."""
    data: dict[str, Any] = request.model_dump(mode="json", exclude=_NOT_HASHED)
    if data.get("language") is None:  # added later: requests without it hash as they did
        data.pop("language", None)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replayed(existing: Credential, hashed: str | None) -> Credential:
    """The earlier credential when the bodies match; 409 when the key was used for another."""
    if existing.request_hash != hashed:
        raise Conflict(
            f"this {HEADER} was already used with a different request body",
            credential_id=str(existing.id),
        )
    return existing
