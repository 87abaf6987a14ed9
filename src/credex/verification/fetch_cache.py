"""A small per-process LRU cache of fetched documents, each kept for its own lifetime.

DID documents and status lists are fetched again and again (every credential of an issuer names
the same ones), so a verification that has seen them recently answers from memory. The lifetime
comes from `Cache-Control: max-age` (nothing is kept under `no-store`/`no-cache`), for a
status list also from its `ttl`, else a default; it is capped so a revoked key or a revoked
credential cannot stay hidden for long.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

DEFAULT_TTL_SECONDS = 300.0
MAX_TTL_SECONDS = 3600.0
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|,)\s*(?:no-store|no-cache|private)\b", re.IGNORECASE)

T = TypeVar("T")


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


class ExpiringLRU(Generic[T]):
    """Thread-safe map with a per-entry expiry and a bound on the number of entries."""

    def __init__(self, max_entries: int = 512, clock: Callable[[], float] = time.monotonic):
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> T | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if expires <= self._clock():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: T, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (self._clock() + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
