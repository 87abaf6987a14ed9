"""`/health` says the process is alive; `/ready` that the database answers and is migrated."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from credex.db import migrate
from credex.db.session import Database
from credex.errors import NotFound
from credex.problems import DATABASE_RETRY_AFTER_SECONDS, PROBLEM_DOCS

router = APIRouter(tags=["operations"])
_REASONS = (
    ("connection refused", "connection refused (is the database running?)"),
    ("timeout", "connection timed out"),
    ("timed out", "connection timed out"),
    ("password authentication failed", "authentication failed"),
    ("does not exist", "the database does not exist"),
    ("terminat", "the server closed the connection"),
    ("closed", "the server closed the connection"),
    ("unable to open", "the database file cannot be opened"),
)


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    """The address `credex serve` prints: a person opening it lands on the wallet sign-in,
    not on a problem+json 404."""
    return RedirectResponse("/wallet", status_code=303)


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", responses={503: {"description": "not ready"}})
def ready(request: Request) -> JSONResponse:
    database: Database = request.app.state.db
    checks: dict[str, Any] = {}
    head = request.app.state.migration_head
    try:
        with database.session() as session:
            session.execute(text("SELECT 1"))
            current = migrate.revision_of(session.connection())
        checks["database"] = "ok"
        checks["migrations"] = "ok" if current == head else f"at {current}, head is {head}"
    except Exception as exc:  # readiness must report, not raise
        checks["database"] = f"unreachable: {_reason(exc)}"
        checks["migrations"] = "unknown"
    ok = all(value == "ok" for value in checks.values())
    headers = None if ok else {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
    return JSONResponse(
        {"status": "ready" if ok else "not ready", "checks": checks},
        200 if ok else 503,
        headers=headers,
    )


def _reason(exc: Exception) -> str:
    """Why the database did not answer, in operator's words (no addresses, no credentials)."""
    if isinstance(exc, PoolTimeout):
        return "every connection of the pool is busy (pool timeout)"
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    return type(exc).__name__


@router.get("/problems/{slug}", include_in_schema=False)
def problem_doc(slug: str) -> dict[str, str]:
    if slug not in PROBLEM_DOCS:
        raise NotFound(f"no problem type {slug!r}")
    return {"type": slug, "description": PROBLEM_DOCS[slug]}
