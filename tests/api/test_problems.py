"""Every error path renders RFC 9457 problem+json with the right status."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from credex.auth.tokens import create_token
from credex.db.models import ApiToken
from credex.db.session import Database
from credex.deps import SessionDep
from credex.errors import Conflict
from tests.asgi_scope import http_scope

PROBLEM = "application/problem+json"


class Thing(BaseModel):
    name: str = Field(min_length=1)
    count: int
    tags: list[str] = []


def _add_test_routes(app: FastAPI) -> None:
    @app.post("/_test/things")
    def make_thing(thing: Thing) -> Thing:
        return thing

    @app.get("/_test/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    @app.post("/_test/half-written")
    def half_written(session: SessionDep) -> None:
        create_token(session, role="admin", name="must not survive")
        raise Conflict("refusing after a write")


def test_unknown_route_is_problem_404(client: TestClient) -> None:
    response = client.get("/no/such/path")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404
    assert body["type"].endswith("/problems/not-found")
    assert body["instance"] == "/no/such/path"


def test_wrong_method_is_problem_405(client: TestClient) -> None:
    response = client.delete("/health")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/problems/method-not-allowed")
    assert "GET" in response.headers["allow"]


def test_validation_error_points_at_each_field(app: FastAPI, client: TestClient) -> None:
    _add_test_routes(app)
    response = client.post("/_test/things", json={"name": "", "tags": [1, "ok"]})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    pointers = {error["pointer"] for error in response.json()["errors"]}
    assert pointers == {"/name", "/count", "/tags/0"}


def test_malformed_json_is_400(app: FastAPI, client: TestClient) -> None:
    _add_test_routes(app)
    response = client.post(
        "/_test/things", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM


def test_query_parameter_errors_name_the_parameter(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/tokens?limit=0", headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "limit"


def test_unexpected_error_is_500_with_correlation_id_and_no_internals(
    app: FastAPI, client: TestClient
) -> None:
    _add_test_routes(app)
    response = client.get("/_test/boom", headers={"X-Request-ID": "trace-me-123"})
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["correlation_id"] == "trace-me-123"
    assert response.headers["x-request-id"] == "trace-me-123"
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text


def test_failed_request_writes_nothing(
    app: FastAPI, client: TestClient, database: Database
) -> None:
    _add_test_routes(app)
    response = client.post("/_test/half-written")
    assert response.status_code == 409
    with database.session() as session:
        count = session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.name == "must not survive")
        )
    assert count == 0


def test_every_response_has_a_request_id(client: TestClient) -> None:
    generated = client.get("/health").headers["x-request-id"]
    assert len(generated) == 32
    unsafe = client.get("/health", headers={"X-Request-ID": "bad id\nwith newline"})
    assert unsafe.headers["x-request-id"] != "bad id\nwith newline"


def test_problem_types_are_documented(client: TestClient) -> None:
    body = client.get("/no/such/path").json()
    doc = client.get(body["type"].removeprefix("http://testserver"))
    assert doc.status_code == 200
    assert "Nothing exists" in doc.json()["description"]


def test_a_client_gone_before_its_body_arrived_is_a_quiet_499(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """wrk and impatient clients close connections mid-request: not a server error."""
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    headers = [(b"content-type", b"application/json"), (b"content-length", b"100")]
    scope = http_scope("POST", "/api/v1/verify", headers)
    # In a thread of its own: a browser test earlier in this process may leave an event loop
    # running in the main thread, and asyncio.run refuses to start inside one.
    worker = threading.Thread(target=asyncio.run, args=(app(scope, receive, send),))
    with caplog.at_level(logging.INFO, logger="credex.http"):
        worker.start()
        worker.join(timeout=30)
    assert messages[0]["type"] == "http.response.start"
    assert messages[0]["status"] == 499
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    [access] = [r for r in caplog.records if r.getMessage() == "request"]
    assert access.__dict__["status"] == 499
