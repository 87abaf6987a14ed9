"""One guard for every request body: a size limit enforced while reading, and strict JSON.

Pure ASGI, in front of every route. A body larger than the limit is refused with 413 as soon as
its declared `Content-Length` or the bytes received so far exceed it, so it is never held in
memory. Requests to the public routes (verification, sign-in, OpenID4VCI), and requests with no
credentials at all (no `Authorization` header, no session cookie: they can only get a 401) get
the smaller unauthenticated limit (`CREDEX_MAX_PUBLIC_BODY_BYTES`); the rest the general one
(`CREDEX_MAX_BODY_BYTES`), which fits the largest upload (a 32 MiB batch).

A JSON body (`application/json`, `*+json`) must be strict JSON (`credex.core.strict_json`), with
nesting within `CREDEX_MAX_JSON_DEPTH` plus a margin for the request envelope. Anything else is
a 400 problem before a route sees it (bodies above the unauthenticated limit go to upload
routes, which parse them strictly themselves).
"""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credex.core.strict_json import ENVELOPE_DEPTH, MalformedJson, loads_strict
from credex.logging import request_id_var

PUBLIC_PATHS = (
    "/api/v1/verify",
    "/credentials/verify",
    "/presentations/verify",
    "/verify",
    "/api/v1/signin",
    "/wallet/signin",
    "/admin/login",
    "/api/v1/presentation-requests",
    "/oid4vp",
    "/oauth",  # OpenID4VCI wallets: their bearer tokens are not credex API tokens
    "/oid4vci",
)
CREDENTIAL_COOKIES = (b"credex_session=", b"credex_wallet=")
PARSING_ERROR = "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"
_TOO_LARGE = (413, "payload-too-large", "Payload too large")
_MALFORMED = (400, "bad-request", "Malformed request body")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestGuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        base_url: str,
        max_body: int,
        max_public_body: int,
        max_json_depth: int,
    ) -> None:
        self.app = app
        self.base_url = base_url
        self.max_body = max_body
        self.max_public_body = max_public_body
        self.max_json_depth = max_json_depth + ENVELOPE_DEPTH

    def limit_for(self, scope: Scope) -> int:
        path: str = scope.get("path", "")
        if any(path == public or path.startswith(public + "/") for public in PUBLIC_PATHS):
            return self.max_public_body
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                return self.max_body
            if name == b"cookie" and any(cookie in value for cookie in CREDENTIAL_COOKIES):
                return self.max_body
        return self.max_public_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        headers = dict(scope.get("headers", ()))
        declared = headers.get(b"content-length", b"").decode("latin-1")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # gone before its body arrived: quiet 499
                await send({"type": "http.response.start", "status": 499, "headers": []})
                await send({"type": "http.response.body", "body": b""})
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(scope, send, limit)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        # Larger (authenticated) uploads are parsed strictly by their route, against its own
        # limit (`credex.uploads`): no need to parse them twice.
        if (
            body
            and len(body) <= self.max_public_body
            and _is_json(headers.get(b"content-type", b""))
        ):
            try:
                loads_strict(body, max_depth=self.max_json_depth)
            except MalformedJson as exc:
                # `errors` as the VC-API expects of a rejected request (and `verified: false`
                # on its verify routes), harmless elsewhere.
                error = {"type": PARSING_ERROR, "pointer": "", "detail": str(exc)}
                extra: dict[str, Any] = {"errors": [error]}
                if scope.get("path", "").endswith("/verify"):
                    extra["verified"] = False
                await self._problem(scope, send, _MALFORMED, str(exc), extra)
                return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        detail = f"the request body is larger than {_size(limit)}, the limit for this route"
        if _wants_html(scope):  # a page's form: a page back, not problem JSON
            await _send(
                scope, send, 413, b"text/html; charset=utf-8", _too_large_page(scope, limit)
            )
            return
        await self._problem(scope, send, _TOO_LARGE, detail)

    async def _problem(
        self,
        scope: Scope,
        send: Send,
        kind: tuple[int, str, str],
        detail: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        status, slug, title = kind
        body = json.dumps(
            {
                "type": f"{self.base_url}/problems/{slug}",
                "title": title,
                "status": status,
                "detail": detail,
                "instance": scope.get("path"),
                "request_id": request_id_var.get(),
                **(extra or {}),
            }
        ).encode()
        await _send(scope, send, status, b"application/problem+json", body)


async def _send(scope: Scope, send: Send, status: int, media_type: bytes, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", media_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _wants_html(scope: Scope) -> bool:
    """A browser submitting a form (HTML first in `Accept`), not an API client."""
    for name, value in scope.get("headers", ()):
        if name == b"accept":
            first: bytes = value.split(b",")[0].strip()
            return first.startswith(b"text/html")
    return False


def _too_large_page(scope: Scope, limit: int) -> bytes:
    back = html.escape(scope.get("path", "/"), quote=True)  # the form's own page
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>File too large - credex</title></head><body><main>"
        "<h1>That file is too large</h1>"
        f"<p>Files and pasted text can be up to {_size(limit)}. "
        "A baked badge image or a credential file is usually much smaller: "
        "check that you chose the right file.</p>"
        f'<p><a href="{back}">Try again</a></p></main></body></html>'
    ).encode()


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";")[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MiB"
    return f"{limit // 1024} KiB" if limit >= 1024 else f"{limit} bytes"


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; then whatever the client sends (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
