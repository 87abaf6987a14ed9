"""OAuth 2.0 error responses (RFC 6749 §5.2, RFC 6750 §3, OID4VCI 1.0 §8.3.1).

These endpoints answer `{"error": "...", "error_description": "..."}` (not problem details):
wallets branch on the `error` code, and the specifications fix both the codes and the shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from credex.throttling import count_failed_attempt

NO_STORE = {"Cache-Control": "no-store"}
GUESSES = frozenset({"invalid_grant", "invalid_token"})
_OAUTH_ERROR: dict[str, Any] = {
    "description": "OAuth 2.0 error (RFC 6749 §5.2): `error` and `error_description`",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "error": {"type": "string"},
                    "error_description": {"type": "string"},
                },
                "required": ["error"],
            }
        },
        # the request guard's answers (malformed JSON body) before a route runs
        "application/problem+json": {},
    },
}
# What these endpoints really answer, for the OpenAPI document (a 429 is OAuth-shaped after a
# counted failure, a problem when the client was already blocked).
OAUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _OAUTH_ERROR,
    401: _OAUTH_ERROR,
    429: {
        "description": "too many failed attempts from this client (with Retry-After)",
        "content": {"application/json": {}, "application/problem+json": {}},
    },
}


class OAuthError(Exception):
    """`persist`: the unit of work should still commit (a counted failed attempt)."""

    def __init__(
        self, error: str, description: str, *, status: int = 400, persist: bool = False
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.persist = persist


def invalid_token(description: str) -> OAuthError:
    return OAuthError("invalid_token", description, status=401)


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OAuthError)
    headers = dict(NO_STORE)
    if exc.error in GUESSES:  # a wrong code or token counts against the client (throttling)
        wait = await count_failed_attempt(request)
        if wait is not None:
            headers["Retry-After"] = str(wait)
            description = f"too many failed attempts from this client; retry in {wait} s"
            return JSONResponse(
                {"error": "invalid_request", "error_description": description},
                status_code=429,
                headers=headers,
            )
    if exc.status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status,
        headers=headers,
    )


def install_oauth_errors(app: FastAPI) -> None:
    app.add_exception_handler(OAuthError, _handle)
