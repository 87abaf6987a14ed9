"""Throttling shared by every worker and replica: counters in the database, fixed windows.

Two limits need to hold exactly whatever the number of processes, so they are counted in the
`rate_limit_hits` table (one atomic upsert per counted event, `INSERT … ON CONFLICT DO UPDATE
… RETURNING` on PostgreSQL and SQLite):

- sign-in links requested per client address (`CREDEX_SIGNIN_PER_CLIENT_PER_HOUR`), on top of
  the per-address limit of `credex.signin.service`;
- failed bearer-token and sign-in-code attempts per client address
  (`CREDEX_AUTH_FAILURES_PER_CLIENT` per `CREDEX_AUTH_FAILURE_WINDOW_SECONDS`). Failures are
  counted after the request's own transaction ended (a 401 rolls that back). A client over the
  limit gets 429 with `Retry-After`; each process also remembers it until the window ends, so
  its later attempts are refused before any token is looked up (a process that has not seen
  it yet evaluates at most one more attempt before it learns the shared count).

The client address is what uvicorn reports: the peer, or the `X-Forwarded-For` client when the
peer is one of `CREDEX_FORWARDED_ALLOW_IPS` (default: none, so the header is ignored).
"""

from __future__ import annotations

import math
import random
import threading
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from credex.db.models import RateLimitHit
from credex.db.session import Database
from credex.errors import CredexError, TooManyRequests, Unauthorized
from credex.problems import credex_error_response

SIGNIN_CODE_PATH = "/api/v1/signin/token"
_CLEANUP_CHANCE = 0.01
_MAX_BLOCKED = 10_000


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def hit(
    session: Session, key: str, window_seconds: int, now: float | None = None
) -> tuple[int, int]:
    """Count one event for `key` in the current window: (hits so far, seconds until it ends)."""
    now = time.time() if now is None else now
    start = int(now // window_seconds) * window_seconds
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(RateLimitHit)
        .values(key=key, window_start=start, hits=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"], set_={"hits": RateLimitHit.hits + 1}
        )
        .returning(RateLimitHit.hits)
    )
    hits = int(session.execute(statement).scalar_one())
    if random.random() < _CLEANUP_CHANCE:  # noqa: S311 - not security relevant
        session.execute(
            delete(RateLimitHit).where(RateLimitHit.window_start < start - window_seconds)
        )
    return hits, max(1, math.ceil(start + window_seconds - now))


def limit_signin_client(session: Session, request: Request, per_hour: int) -> None:
    """429 once this client asked for more than `per_hour` sign-in links this hour."""
    hits, retry_after = hit(session, f"signin:{client_address(request)}", 3600)
    if hits > per_hour:
        raise TooManyRequests(
            "too many sign-in links were requested from this client; try again later",
            retry_after=retry_after,
        )


class _Blocked:
    """Clients over the failure limit, until their window ends (per process)."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        until = self._until.get(client)
        if until is None:
            return None
        remaining = until - time.time()
        if remaining <= 0:
            with self._lock:
                self._until.pop(client, None)
            return None
        return max(1, math.ceil(remaining))

    def block(self, client: str, seconds: int) -> None:
        with self._lock:
            if len(self._until) >= _MAX_BLOCKED:
                self._until.clear()
            self._until[client] = time.time() + seconds


def refuse_blocked_client(request: Request) -> None:
    """429 before any token is looked up, for a client this process knows is over the limit."""
    blocked: _Blocked | None = getattr(request.app.state, "auth_blocked", None)
    wait = blocked.retry_after(client_address(request)) if blocked else None
    if wait is not None:
        raise _too_many_failures(wait)


def _too_many_failures(retry_after: int) -> TooManyRequests:
    return TooManyRequests(
        f"too many failed sign-in attempts from this client; retry in {retry_after} s",
        retry_after=retry_after,
    )


def install_throttling(app: FastAPI) -> None:
    app.state.auth_blocked = _Blocked()
    app.add_exception_handler(Unauthorized, _count_failure)


async def count_failed_attempt(request: Request) -> int | None:
    """Count a failed token or code attempt of this client (in its own transaction, after the
    request's); over the limit, block the client here and return the seconds to wait."""
    settings = request.app.state.settings
    database: Database = request.app.state.db
    client = client_address(request)
    window = settings.auth_failure_window_seconds

    def record() -> tuple[int, int]:
        with database.unit_of_work() as session:
            return hit(session, f"auth-failure:{client}", window)

    failures, retry_after = await run_in_threadpool(record)
    if failures <= settings.auth_failures_per_client:
        return None
    request.app.state.auth_blocked.block(client, retry_after)
    return retry_after


async def _count_failure(request: Request, exc: Exception) -> JSONResponse:
    """A 401 for a presented token or code counts against the client; over the limit, 429."""
    assert isinstance(exc, CredexError)
    if "authorization" in request.headers or request.url.path == SIGNIN_CODE_PATH:
        wait = await count_failed_attempt(request)
        if wait is not None:
            exc = _too_many_failures(wait)
    return await credex_error_response(request, exc)
