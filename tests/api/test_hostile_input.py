"""Malformed and oversized bodies: 4xx problem+json on every route and content type, and the
body limit enforced while reading (413 before the body is held in memory)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from credex.core.strict_json import MalformedJson, loads_strict
from credex.db.session import Database
from tests.api.test_wallet_support import learner_headers
from tests.asgi_scope import http_scope

MIB = 1024 * 1024
MALFORMED = {
    "nested 100,000 deep": b'{"credential":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "nested 1,000 deep": b'{"credential":' + b'{"a":' * 1_000 + b"1" + b"}" * 1_000 + b"}",
    "a 100,000-digit number": b'{"credential": {"a": ' + b"9" * 100_000 + b"}}",
    "a number too large for a double": b'{"credential": {"a": 1e999}}',
    "NaN": b'{"credential": {"a": NaN}}',
    "duplicate keys": b'{"credential": {"a": 1}, "credential": {"b": 2}}',
    "invalid UTF-8": b'{"credential": "\xff\xfe"}',
    "truncated": b'{"credential": {"a": ',
}
ROUTES = [
    ("/api/v1/verify", None),
    ("/credentials/verify", None),
    ("/presentations/verify", None),
    ("/api/v1/signin/magic-link", None),
    ("/api/v1/signin/token", None),
    ("/api/v1/wallet/imports", "learner"),
    ("/api/v1/issuers", "admin"),
    ("/api/v1/frameworks/import", "admin"),
]
CONTENT_TYPES = [
    "application/json",
    "application/ld+json",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
]


@pytest.fixture
def headers(database: Database, admin_headers: dict[str, str]) -> dict[str, dict[str, str]]:
    return {"admin": admin_headers, "learner": learner_headers(database)}


@pytest.mark.parametrize(("path", "role"), ROUTES)
def test_malformed_bodies_get_a_4xx_problem_on_every_route_and_content_type(
    client: TestClient, headers: dict[str, dict[str, str]], path: str, role: str | None
) -> None:
    auth = headers[role] if role else {}
    for name, body in MALFORMED.items():
        for content_type in CONTENT_TYPES:
            response = client.post(
                path, content=body, headers={**auth, "content-type": content_type}
            )
            where = f"{name} as {content_type}"
            assert 400 <= response.status_code < 500, (where, response.text[:300])
            assert response.headers["content-type"].startswith("application/problem+json"), where
            assert response.json()["status"] == response.status_code


@pytest.mark.parametrize("name", list(MALFORMED))
def test_json_bodies_are_refused_as_malformed_with_the_reason(
    client: TestClient, name: str
) -> None:
    response = client.post(
        "/api/v1/verify", content=MALFORMED[name], headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Malformed request body"


def test_strict_json_accepts_ordinary_json() -> None:
    text = '{"a": [1, 2.5, -3e10, true, null, "é"], "b": {"c": "d"}}'
    assert loads_strict(text.encode()) == json.loads(text)
    with pytest.raises(MalformedJson, match="member 'a' twice"):
        loads_strict(b'{"a": 1, "a": 1}')
    with pytest.raises(MalformedJson, match="deeper than 3"):
        loads_strict(b"[[[[1]]]]", max_depth=3)


# --- the body limit -------------------------------------------------------------------------


async def _post_endless(app: FastAPI, path: str, headers: list[tuple[bytes, bytes]]) -> Any:
    """POST a body that never ends, 64 KiB at a time; returns (status, bytes the app pulled)."""
    pulled = 0
    sent: list[dict[str, Any]] = []
    chunk = b" " * 65536

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += len(chunk)
        if pulled > 100 * MIB:
            raise AssertionError("the app kept reading past every limit")
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    base = [(b"host", b"testserver"), (b"content-type", b"application/json")]
    scope = http_scope("POST", path, [*base, *headers])
    await app(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    return start["status"], pulled


@pytest.mark.parametrize("path", ["/api/v1/signin/token", "/api/v1/verify", "/api/v1/issuers"])
def test_an_endless_unauthenticated_body_is_cut_at_the_public_limit(
    app: FastAPI, path: str
) -> None:
    status, pulled = asyncio.run(_post_endless(app, path, []))
    assert status == 413
    assert pulled <= 2 * MIB + 65536  # CREDEX_MAX_PUBLIC_BODY_BYTES, plus the chunk that crossed


def test_an_authenticated_body_gets_the_general_limit(app: FastAPI, admin_token: str) -> None:
    auth = [(b"authorization", f"Bearer {admin_token}".encode())]
    status, pulled = asyncio.run(_post_endless(app, "/api/v1/issuers", auth))
    assert status == 413
    assert 40 * MIB <= pulled <= 40 * MIB + 65536  # CREDEX_MAX_BODY_BYTES
    # A public route keeps the small limit whatever the client sends.
    status, pulled = asyncio.run(_post_endless(app, "/api/v1/verify", auth))
    assert (status, pulled <= 2 * MIB + 65536) == (413, True)


def test_a_declared_length_over_the_limit_is_refused_before_reading(client: TestClient) -> None:
    response = client.post(
        "/api/v1/signin/token",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": str(3 * MIB)},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "2 MiB" in response.json()["detail"]


def test_bodies_within_the_limit_reach_the_route(client: TestClient) -> None:
    body = {"credential": {"padding": "x" * (MIB + 10)}}
    response = client.post("/api/v1/verify", json=body)
    assert response.status_code == 200
    assert response.json()["verified"] is False
