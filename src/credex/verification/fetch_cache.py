"""How long a fetched document is kept (the cache itself is `credex.caching.ExpiringLRU`).

DID documents and status lists are fetched again and again (every credential of an issuer names
the same ones), so a verification that has seen them recently answers from memory. The lifetime
comes from `Cache-Control: max-age` (nothing is kept under `no-store`/`no-cache`), for a
status list also from its `ttl`, else a default; it is capped so a revoked key or a revoked
credential cannot stay hidden for long.
"""

from __future__ import annotations

import re
from typing import Any

from credex.caching import ExpiringLRU

__all__ = ["DEFAULT_TTL_SECONDS", "MAX_TTL_SECONDS", "ExpiringLRU", "lifetime"]

DEFAULT_TTL_SECONDS = 300.0
MAX_TTL_SECONDS = 3600.0
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache|private)\b", re.IGNORECASE)


def lifetime(cache_control: str | None, document: Any = None) -> float:
    """Seconds to keep a response: max-age, a status list's `ttl` (ms), else the default."""
    header = cache_control or ""
    if _NO_STORE.search(header):
        return 0.0
    seconds: float | None = None
    match = _MAX_AGE.search(header)
    if match:
        seconds = float(match.group(1))
    ttl = _status_list_ttl(document)
    if ttl is not None:
        seconds = ttl if seconds is None else min(seconds, ttl)
    if seconds is None:
        seconds = DEFAULT_TTL_SECONDS
    return max(0.0, min(seconds, MAX_TTL_SECONDS))


def _status_list_ttl(document: Any) -> float | None:
    """BSL §2.2: `ttl` on the list credential's subject, in milliseconds."""
    if not isinstance(document, dict):
        return None
    subject = document.get("credentialSubject")
    ttl = subject.get("ttl") if isinstance(subject, dict) else None
    if isinstance(ttl, int | float) and not isinstance(ttl, bool) and ttl >= 0:
        return float(ttl) / 1000.0
    return None
