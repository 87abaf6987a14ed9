"""Health, readiness, settings safety and the SQLite connection setup."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from credex.settings import Settings, SettingsError, generate_kek
from tests.conftest import is_postgres


def test_health(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_the_served_address_opens_the_home_page(client: TestClient) -> None:
    """`credex serve` prints http://…:8000: opening it shows the home page, not a JSON 404."""
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for target in ('href="/verify"', 'href="/wallet"', 'href="/frameworks"', 'href="/signin"'):
        assert target in response.text


def test_ready_when_migrated(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "migrations": "ok"}


def test_not_ready_when_migrations_behind(app: FastAPI, client: TestClient) -> None:
    app.state.migration_head = "9999_future"
    response = client.get("/ready")
    assert response.status_code == 503
    assert "head is 9999_future" in response.json()["checks"]["migrations"]


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/api/v1/me" in spec["paths"]


def _production(**overrides: str) -> Settings:
    return Settings(_env_file=None, env="production", **overrides)  # type: ignore[call-arg]


def test_production_refuses_missing_kek_and_dev_secret() -> None:
    with pytest.raises(SettingsError, match="KEY_ENCRYPTION_KEY"):
        _production(secret_key="x" * 40).check_production_safety()
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        _production(key_encryption_key=generate_kek()).check_production_safety()
    _production(key_encryption_key=generate_kek(), secret_key="y" * 40).check_production_safety()


def test_production_app_does_not_start_unsafe() -> None:
    from credex.app import create_app

    with pytest.raises(SettingsError):
        create_app(_production())


def test_development_kek_file_is_private(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path}/x.db")  # type: ignore[call-arg]
    first = settings.resolve_key_encryption_key()
    assert len(first) == 32
    kek_file = tmp_path / ".credex-kek"
    assert kek_file.stat().st_mode & 0o777 == 0o600
    assert settings.resolve_key_encryption_key() == first


def test_sqlite_pragmas_and_savepoints(connection: Connection, database_url: str) -> None:
    if is_postgres(database_url):
        pytest.skip("SQLite connection setup only")
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    connection.execute(text("CREATE TEMP TABLE sp (x INTEGER)"))
    nested = connection.begin_nested()
    connection.execute(text("INSERT INTO sp VALUES (1)"))
    nested.rollback()
    connection.execute(text("INSERT INTO sp VALUES (2)"))
    assert connection.execute(text("SELECT x FROM sp")).scalars().all() == [2]
