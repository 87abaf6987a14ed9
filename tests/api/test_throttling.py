"""Sign-in and authentication throttling per client, shared by every process through the
database; the verification limit as a per-process quota; proxy headers trusted only from the
configured addresses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from credex import cli
from credex.app import create_app
from credex.db.session import Database
from credex.settings import Settings

UNKNOWN_TOKEN = {"Authorization": "Bearer cx_" + "b" * 40}


def make_app(settings: Settings, database: Database, **limits: Any) -> FastAPI:
    return create_app(settings.model_copy(update=limits), database)


@pytest.fixture
def clients(settings: Settings, database: Database) -> Iterator[tuple[TestClient, ...]]:
    """Two processes (apps) sharing one database, seen from one client address, and another
    client address on the first."""
    first = make_app(settings, database, auth_failures_per_client=3, signin_per_client_per_hour=3)
    second = make_app(settings, database, auth_failures_per_client=3, signin_per_client_per_hour=3)
    with (
        TestClient(first, raise_server_exceptions=False, client=("198.51.100.7", 1)) as a,
        TestClient(second, raise_server_exceptions=False, client=("198.51.100.7", 2)) as b,
        TestClient(first, raise_server_exceptions=False, client=("203.0.113.9", 3)) as other,
    ):
        yield a, b, other


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["content-type"] == "application/problem+json"


def test_sign_in_links_are_limited_per_client_across_processes(
    clients: tuple[TestClient, ...],
) -> None:
    a, b, other = clients
    for n in range(2):
        assert (
            a.post("/api/v1/signin/magic-link", json={"email": f"a{n}@example.org"}).status_code
            == 202
        )
    assert b.post("/api/v1/signin/magic-link", json={"email": "b@example.org"}).status_code == 202
    assert_throttled(a.post("/api/v1/signin/magic-link", json={"email": "c@example.org"}))
    assert_throttled(b.post("/api/v1/signin/magic-link", json={"email": "d@example.org"}))
    assert (
        other.post("/api/v1/signin/magic-link", json={"email": "e@example.org"}).status_code == 202
    )


def test_failed_token_attempts_are_throttled_per_client_across_processes(
    clients: tuple[TestClient, ...], admin_headers: dict[str, str]
) -> None:
    a, b, other = clients
    assert a.get("/api/v1/tokens", headers=UNKNOWN_TOKEN).status_code == 401
    assert b.get("/api/v1/tokens", headers=UNKNOWN_TOKEN).status_code == 401
    assert a.get("/api/v1/tokens", headers=UNKNOWN_TOKEN).status_code == 401
    assert_throttled(
        b.get("/api/v1/tokens", headers=UNKNOWN_TOKEN)
    )  # the 4th, on the other process
    # Blocked: even a valid token is not looked up from this client until the window ends.
    assert_throttled(b.get("/api/v1/tokens", headers=admin_headers))
    assert other.get("/api/v1/tokens", headers=admin_headers).status_code == 200
    assert other.get("/api/v1/tokens", headers=UNKNOWN_TOKEN).status_code == 401


def test_failed_sign_in_codes_are_throttled_per_client(clients: tuple[TestClient, ...]) -> None:
    a, _, other = clients
    for _ in range(3):
        assert a.post("/api/v1/signin/token", json={"code": "x" * 43}).status_code == 401
    assert_throttled(a.post("/api/v1/signin/token", json={"code": "x" * 43}))
    assert other.post("/api/v1/signin/token", json={"code": "x" * 43}).status_code == 401


def test_a_missing_token_is_not_a_failed_attempt(clients: tuple[TestClient, ...]) -> None:
    a, _, _ = clients
    for _ in range(5):
        assert a.get("/api/v1/tokens").status_code == 401


def test_the_verification_limit_is_a_per_process_quota(
    settings: Settings, database: Database
) -> None:
    app = make_app(settings, database, verify_rate_limit_per_minute=4, workers=2)
    with TestClient(app, raise_server_exceptions=False) as client:
        for _ in range(2):  # 4 per minute over 2 workers: 2 for this process
            assert client.post("/api/v1/verify", json={"credential": {}}).status_code == 200
        assert_throttled(client.post("/api/v1/verify", json={"credential": {}}))


def test_serve_trusts_proxy_headers_only_from_configured_addresses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setattr(cli.migrate, "upgrade", lambda *args, **kwargs: None)
    monkeypatch.setenv("CREDEX_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("CREDEX_FORWARDED_ALLOW_IPS", raising=False)
    cli.get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli.app, ["serve"]).exit_code == 0
    monkeypatch.setenv("CREDEX_FORWARDED_ALLOW_IPS", "10.0.0.5")
    cli.get_settings.cache_clear()
    assert runner.invoke(cli.app, ["serve"]).exit_code == 0
    cli.get_settings.cache_clear()
    default, configured = calls
    assert (default["proxy_headers"], default["forwarded_allow_ips"]) == (False, "")
    assert (configured["proxy_headers"], configured["forwarded_allow_ips"]) == (True, "10.0.0.5")


def test_wrong_pre_authorized_codes_are_throttled_per_client(
    clients: tuple[TestClient, ...],
) -> None:
    a, b, other = clients
    guess = {
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": "guessed-" + "c" * 40,
    }
    for client in (a, b, a):
        wrong = client.post("/oauth/token", data=guess)
        assert wrong.status_code == 400
        assert wrong.json()["error"] == "invalid_grant"
    refused = b.post("/oauth/token", data=guess)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert_throttled(b.post("/oauth/token", data=guess))  # now blocked before any look-up
    late = a.post("/oauth/token", data=guess)  # the other process learns it from the count
    assert (late.status_code, late.json()["error"]) == (429, "invalid_request")
    assert_throttled(a.post("/oauth/token", data=guess))
    assert other.post("/oauth/token", data=guess).status_code == 400
