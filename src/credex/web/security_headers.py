"""Security headers on every HTML response, including the API docs (`/docs`, `/redoc`).

Pages rendered by `credex.web.templating.render` already send `SECURITY_HEADERS`; this pure ASGI
middleware adds them to any other HTML response that lacks a Content-Security-Policy (error
pages, FastAPI's docs). The docs pages run one inline start-up script and load their bundles
from this origin: their policy allows scripts from 'self' plus the SHA-256 of each inline script
in the page actually sent (CSP Level 3 hash sources), and inline styles (ReDoc injects them).
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credex.web.templating import SECURITY_HEADERS

DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)
_DOCS_POLICY = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_CSP = b"content-security-policy"


class HtmlSecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path") in DOCS_PATHS
        pending: list[Message] = []  # the docs page's start and body, to hash its scripts

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = dict(headers).get(b"content-type", b"")
                if not content_type.startswith(b"text/html") or _CSP in names:
                    await send(message)
                    return
                if docs:
                    pending.append(message)
                    return
                await send({**message, "headers": headers + _headers(names, None)})
                return
            if pending:
                pending.append(message)
                if message.get("more_body", False):
                    return
                await _send_docs(send, pending)
                return
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _send_docs(send: Send, messages: list[Message]) -> None:
    start, *bodies = messages
    body = b"".join(message.get("body", b"") for message in bodies)
    hashes = "".join(
        " 'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(body)
    )
    headers = [
        (name, value)
        for name, value in start.get("headers", [])
        if name.lower() != b"content-length"
    ]
    names = {name.lower() for name, _ in headers}
    headers += _headers(names, _DOCS_POLICY.format(hashes=hashes))
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _headers(present: set[bytes], policy: str | None) -> list[tuple[bytes, bytes]]:
    values = dict(SECURITY_HEADERS)
    if policy is not None:
        values["Content-Security-Policy"] = policy
    return [
        (name.lower().encode(), value.encode())
        for name, value in values.items()
        if name.lower().encode() not in present
    ]
