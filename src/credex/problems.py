"""RFC 9457 `application/problem+json` for every error the HTTP layer can produce."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from credex.errors import CredexError
from credex.logging import request_id_var

PROBLEM_JSON = "application/problem+json"
DATABASE_RETRY_AFTER_SECONDS = 5
log = logging.getLogger("credex.http")

# Problem types the service documents at /problems/<slug>.
PROBLEM_DOCS: dict[str, str] = {
    "bad-request": "The request could not be read (malformed JSON, wrong content type).",
    "invalid-input": "The request was read but a field is invalid; `errors` points at each field.",
    "unauthorized": "No valid bearer token was sent (missing, unknown, expired or revoked).",
    "forbidden": "The token is valid but its role may not do this.",
    "not-found": "Nothing exists at this path, or it belongs to someone else.",
    "method-not-allowed": "The path exists but not with this HTTP method.",
    "not-acceptable": "No representation matches the Accept header (JSON or HTML).",
    "conflict": "The request conflicts with the current state (e.g. editing a published item).",
    "payload-too-large": "The request body is larger than this endpoint accepts.",
    "rate-limited": "Too many requests from this client; retry after the given time.",
    "internal-error": "An unexpected error; quote the correlation id when reporting it.",
    "service-unavailable": "The database cannot be reached; retry after the given time.",
}


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    base = request.app.state.settings.base_url
    body: dict[str, Any] = {
        "type": f"{base}/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    request_id = request_id_var.get()
    if request_id:
        body["request_id"] = request_id
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _pointer(loc: tuple[Any, ...]) -> dict[str, str]:
    """Map a pydantic error location to an RFC 9457 member: body → JSON pointer (RFC 6901
    string form, as the services use), query/path/header → the parameter's name."""
    where, *rest = loc if loc else ("body",)
    path = "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in rest)
    if where == "body":
        return {"pointer": "/" + path if path else ""}
    kind = {"query": "parameter", "path": "parameter", "header": "header"}.get(str(where), "field")
    return {kind: path or str(where)}


async def credex_error_response(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CredexError)
    extra: dict[str, Any] = dict(exc.extra)
    if exc.errors is not None:
        extra["errors"] = exc.errors
    headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else None
    return problem_response(
        request,
        status=exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        extra=extra,
        headers=headers,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    malformed = False
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            malformed = True
        errors.append({**_pointer(tuple(error.get("loc", ()))), "detail": error.get("msg", "")})
    if malformed:
        return problem_response(
            request,
            status=400,
            slug="bad-request",
            title="Malformed request body",
            detail="the request body is not valid JSON",
        )
    return problem_response(
        request,
        status=422,
        slug="invalid-input",
        title="Invalid input",
        detail=f"{len(errors)} field(s) failed validation",
        extra={"errors": errors},
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized"}.get(
        exc.status_code, "bad-request"
    )
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return problem_response(
        request,
        status=exc.status_code,
        slug=slug,
        title=HTTPStatus(exc.status_code).phrase,
        detail=detail,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _client_gone(request: Request, exc: Exception) -> Response:
    """The client closed the connection before its body arrived: nobody reads an answer, and
    nothing went wrong here, so no error log; 499 (nginx's "client closed request") in the
    access log."""
    return Response(status_code=499)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database is unreachable (outage, restart, failover, pool exhausted): 503 with
    `Retry-After`, not a 500; the pool reconnects by itself once it is back (pre-ping)."""
    log.warning("database unavailable: %s", type(exc).__name__, extra={"path": request.url.path})
    return problem_response(
        request,
        status=503,
        slug="service-unavailable",
        title="Service unavailable",
        detail="the database is unreachable; retry shortly",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def install_problem_handlers(app: FastAPI) -> None:
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(CredexError, credex_error_response)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
