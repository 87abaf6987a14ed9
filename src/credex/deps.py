"""FastAPI dependencies as `Annotated` aliases: the session (unit of work) and the caller.

Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in the thread
pool, and each such hop costs a thread hand-off (and GIL contention) on every request.

The session dependency has `scope="function"`: its exit code (commit or rollback) runs right after
the endpoint returns and BEFORE the response is sent, so a failed commit becomes an error response
instead of a 201 for data that was never stored.

The two hottest endpoints (issuing one credential, verifying one) are `async` and do all their
database work in ONE thread-pool hop through `in_unit_of_work` (authentication included): the
dependency route costs four hops per request (session in, principal, endpoint, session out), and
the hand-offs were a fifth of a verification's CPU under load. Same unit of work, same commit
before the response.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from credex.auth.principal import Principal
from credex.auth.tokens import authenticate
from credex.db.session import Database
from credex.errors import Forbidden, Unauthorized
from credex.settings import Settings
from credex.throttling import refuse_blocked_client


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


def get_session(request: Request) -> Iterator[Session]:
    with get_database(request).unit_of_work() as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    with get_database(request).unit_of_work(read_only=True) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
"""For endpoints that only read (verification): see `Database.unit_of_work(read_only=True)`."""


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    refuse_blocked_client(request)  # too many failed attempts: no look-up at all
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("use 'Authorization: Bearer <token>'")
    return value.strip()


T = TypeVar("T")


async def in_unit_of_work(
    request: Request, work: Callable[[Session], T], *, read_only: bool = False
) -> T:
    """Run `work(session)` in one unit of work, in one thread-pool hop; commit before returning
    (so a failed commit is an error response), roll back on any exception."""
    database = get_database(request)
    return await run_in_threadpool(database.run, work, read_only=read_only)


async def require_bearer(request: Request) -> None:
    """401 for a request without a bearer token, on the event loop and before the body is
    validated (as the principal dependencies do); the token itself is checked in the unit of
    work (`issuer_principal`)."""
    if _bearer_token(request) is None:
        raise Unauthorized("this endpoint needs a bearer token")


BearerToken = Annotated[None, Depends(require_bearer)]


def issuer_principal(request: Request, session: Session, settings: Settings) -> Principal:
    """`IssuerPrincipal` for code that authenticates inside its own unit of work."""
    principal = get_principal(request, session, settings)
    _check_issuer(principal)
    return principal


def get_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    token = _bearer_token(request)
    if token is None:
        raise Unauthorized("this endpoint needs a bearer token")
    touch = timedelta(seconds=settings.token_last_used_resolution_seconds)
    principal = authenticate(session, token, touch_after=touch)
    request.state.principal = principal
    return principal


def get_optional_principal(
    request: Request, session: SessionDep, settings: SettingsDep
) -> Principal | None:
    if "authorization" not in request.headers:
        return None
    return get_principal(request, session, settings)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(get_optional_principal)]


async def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_admin:
        raise Forbidden("this action needs an admin token")
    return principal


async def require_issuer(principal: CurrentPrincipal) -> Principal:
    """Issuer tokens (and admins acting for an issuer) may use issuer endpoints."""
    _check_issuer(principal)
    return principal


def _check_issuer(principal: Principal) -> None:
    if principal.role not in ("issuer", "admin"):
        raise Forbidden("this action needs an issuer token")


async def require_learner(principal: CurrentPrincipal) -> Principal:
    if principal.role != "learner":
        raise Forbidden("this action needs a learner token")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]
IssuerPrincipal = Annotated[Principal, Depends(require_issuer)]
LearnerPrincipal = Annotated[Principal, Depends(require_learner)]
