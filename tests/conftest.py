"""Shared fixtures: one migrated database per run, one rolled-back transaction per test.

The database is SQLite (a temp file) unless CREDEX_TEST_DATABASE_URL names another, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test (CI runs the suite on both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from credex.app import create_app
from credex.auth.tokens import create_token
from credex.db import migrate
from credex.db.session import Database, create_db_engine
from credex.settings import Settings, generate_kek

TEST_BASE_URL = "http://testserver"


def _database_url(tmp_root: Path) -> str:
    return os.environ.get("CREDEX_TEST_DATABASE_URL") or f"sqlite:///{tmp_root / 'test.db'}"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    if is_postgres(database_url):
        with engine.begin() as conn:  # start from an empty schema every run
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """The test's outer transaction: everything the test writes is rolled back at the end."""
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            yield conn
        finally:
            transaction.rollback()


@pytest.fixture
def database(engine: Engine, connection: Connection) -> Database:
    return Database(engine, bind=connection)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="test",
        database_url=database_url,
        base_url=TEST_BASE_URL,
        key_encryption_key=generate_kek(),
        log_level="WARNING",
    )


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def make_token(database: Database, **kwargs: object) -> str:
    with database.unit_of_work() as session:
        return create_token(session, **kwargs).token  # type: ignore[arg-type]


@pytest.fixture
def admin_token(database: Database) -> str:
    return make_token(database, role="admin", name="test admin")


@pytest.fixture
def admin_headers(admin_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin_token}"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests (real concurrency, row locks) skip on SQLite, and say why."""
    url = os.environ.get("CREDEX_TEST_DATABASE_URL", "")
    if is_postgres(url) if url else False:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set CREDEX_TEST_DATABASE_URL (CI does)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


pytest_plugins = ["tests.browser"]
