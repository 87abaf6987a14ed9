"""`ExpiringLRU`: the one in-process cache of the service (fetched documents, rendered
achievements, loaded keys, signed status lists, badge pictures).

Thread-safe, bounded in entries (least recently used goes first), each entry with its own
lifetime (`math.inf`: until evicted).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

FOREVER = math.inf


class ExpiringLRU(Generic[K, V]):
    """Thread-safe map with a per-entry expiry and a bound on the number of entries."""

    def __init__(self, max_entries: int = 512, clock: Callable[[], float] = time.monotonic):
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
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

    def put(self, key: K, value: V, seconds: float = FOREVER) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (self._clock() + seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def get_or_make(self, key: K, make: Callable[[], V], seconds: float = FOREVER) -> V:
        """The cached value, else `make()` (run outside the lock) stored and returned."""
        found = self.get(key)
        if found is None:
            found = make()
            self.put(key, found, seconds)
        return found

    def discard(self, matches: Callable[[K], bool]) -> None:
        """Drop every entry whose key `matches`."""
        with self._lock:
            for key in [k for k in self._entries if matches(k)]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
