"""OAuth 2.0 error responses (RFC 6749 §5.2, RFC 6750 §3, OID4VCI 1.0 §8.3.1).

These endpoints answer `{"error": "...", "error_description": "..."}` (not problem details):
wallets branch on the `error` code, and the specifications fix both the codes and the shape.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

NO_STORE = {"Cache-Control": "no-store"}

_OAUTH_ERROR_BODY = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
            "required": ["error"],
        }
    }
}
# OpenAPI `responses` for protocol endpoints: their errors are OAuth JSON, not problem details.
OAUTH_ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"description": "OAuth 2.0 error", "content": _OAUTH_ERROR_BODY}
    for status in (400, 401, 403, 404)
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


async def _handle(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OAuthError)
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status,
        headers=headers,
    )


def install_oauth_errors(app: FastAPI) -> None:
    app.add_exception_handler(OAuthError, _handle)
