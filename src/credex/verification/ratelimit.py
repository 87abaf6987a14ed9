"""Per-client token buckets for the public verification endpoints (in process).

Verification is public and can make the service fetch remote documents, so one client must not
be able to monopolise it. Each client IP gets a bucket of `per_minute` tokens refilled
continuously; a request takes one, and an empty bucket answers 429 with `Retry-After`.
In-process state, as an explicit per-process quota: each of the `CREDEX_WORKERS` processes allows
a client `CREDEX_VERIFY_RATE_LIMIT_PER_MINUTE / CREDEX_WORKERS`, so one replica allows about
the configured rate in total (R replicas: R times it). Counting every verification in the
database would add a write to the hottest public endpoint; the limits that must be exact
(sign-in, failed authentication) are shared through the database (`credex.throttling`).
The W3C conformance suites send bursts of verify requests from one address: raise
`CREDEX_VERIFY_RATE_LIMIT_PER_MINUTE` for a conformance run.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from credex.errors import TooManyRequests

MAX_CLIENTS = 10_000
_create_lock = threading.Lock()


class TokenBucketLimiter:
    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, client: str) -> float | None:
        """Take a token: None when allowed, else the seconds until one is available."""
        now = self._clock()
        with self._lock:
            tokens, updated = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - updated) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[client] = (tokens, now)
            self._buckets.move_to_end(client)
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)  # the least recently seen client starts afresh
        return None if allowed else (1.0 - tokens) / self.rate


def _limiter(request: Request) -> TokenBucketLimiter:
    state = request.app.state
    with _create_lock:  # one limiter per application, created on first use
        limiter: TokenBucketLimiter | None = getattr(state, "verify_rate_limiter", None)
        if limiter is None:
            settings = state.settings
            quota = math.ceil(settings.verify_rate_limit_per_minute / settings.workers)
            limiter = TokenBucketLimiter(max(1, quota))
            state.verify_rate_limiter = limiter
    return limiter


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def limit_verification(request: Request) -> None:
    """No I/O: runs on the event loop (a plain `def` dependency would cost a thread hop)."""
    wait = _limiter(request).acquire(client_key(request))
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise TooManyRequests(
            f"too many verification requests from this client; retry in {seconds} s",
            retry_after=seconds,
        )


VerificationRateLimit = Annotated[None, Depends(limit_verification)]
