"""The database goes away mid-service: 503 problem+json with Retry-After, `/ready` says why, and
the service recovers by itself when the database is back (no restart)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from credex.app import create_app
from credex.db.session import Database
from credex.settings import Settings
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres_only
UNKNOWN_TOKEN = {"Authorization": "Bearer cx_" + "a" * 40}


@pytest.fixture
def proxied(
    settings: Settings, engine: Engine, database_url: str
) -> Iterator[tuple[TestClient, TcpProxy]]:
    """The app, talking to PostgreSQL through a proxy the test can cut."""
    url = make_url(database_url)
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    proxied_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    database = Database.from_url(proxied_url, pool_size=2)
    app = create_app(settings.model_copy(update={"database_url": proxied_url}), database)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, proxy
    finally:
        proxy.stop()
        database.dispose()


def assert_unavailable(response: object) -> None:
    assert response.status_code == 503, response.text  # type: ignore[attr-defined]
    assert response.headers["retry-after"] == "5"  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert response.json()["type"].endswith("/problems/service-unavailable")  # type: ignore[attr-defined]


def test_an_outage_gives_503_with_retry_after_then_the_service_recovers(
    proxied: tuple[TestClient, TcpProxy],
) -> None:
    client, proxy = proxied
    assert client.get("/api/v1/tokens", headers=UNKNOWN_TOKEN).status_code == 401
    assert client.get("/ready").status_code == 200

    proxy.stop()  # pooled connections reset, new ones refused
    for _ in range(3):
        assert_unavailable(client.get("/api/v1/tokens", headers=UNKNOWN_TOKEN))
    assert_unavailable(client.post("/api/v1/signin/magic-link", json={"email": "a@example.org"}))
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.headers["retry-after"] == "5"
    assert ready.json()["checks"]["database"].startswith("unreachable: connection refused")

    proxy.start()  # the same address answers again
    assert client.get("/api/v1/tokens", headers=UNKNOWN_TOKEN).status_code == 401
    assert client.get("/ready").json()["status"] == "ready"
