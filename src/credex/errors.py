"""The service's error tree, rendered as RFC 9457 problem details.

Services raise these; one handler in `credex.http.problems` turns them into
`application/problem+json`. The `type` is `<base_url>/problems/<slug>`, a page the service serves.
"""

from __future__ import annotations

from typing import Any


class CredexError(Exception):
    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra


class InvalidInput(CredexError):
    """422: the request is well-formed but its content is invalid; `errors` point at fields."""

    status = 422
    slug = "invalid-input"
    title = "Invalid input"


class Unauthorized(CredexError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"


class Forbidden(CredexError):
    status = 403
    slug = "forbidden"
    title = "Not allowed"


class NotFound(CredexError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(CredexError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class PayloadTooLarge(CredexError):
    status = 413
    slug = "payload-too-large"
    title = "Payload too large"


class TooManyRequests(CredexError):
    status = 429
    slug = "rate-limited"
    title = "Too many requests"


def field_error(pointer: str, detail: str) -> dict[str, Any]:
    """One entry of a 422 `errors` list: a JSON pointer into the request body and why."""
    return {"pointer": pointer, "detail": detail}
