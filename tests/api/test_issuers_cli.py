"""`credex token create --role issuer` checks that the issuer exists before minting a token."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from credex.app import create_app
from credex.cli import app as cli
from credex.db.models import ApiToken
from credex.db.session import Database
from credex.issuers.service import DEMO_ISSUER_ID, ensure_demo_issuer
from credex.settings import Settings, get_settings


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CREDEX_DATABASE_URL", url)
    monkeypatch.setenv("CREDEX_BASE_URL", "http://testserver")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _token_count(url: str) -> int:
    database = Database.from_url(url)
    try:
        with database.session() as session:
            return int(session.scalar(select(func.count()).select_from(ApiToken)) or 0)
    finally:
        database.dispose()


def test_issuer_token_for_unknown_issuer_fails_clearly(cli_db: str) -> None:
    missing = uuid.uuid4()
    result = CliRunner().invoke(
        cli, ["token", "create", "--role", "issuer", "--issuer", str(missing)]
    )
    assert result.exit_code == 2
    assert f"no issuer with id {missing}" in result.output
    assert _token_count(cli_db) == 0


def test_issuer_token_for_existing_issuer_works_over_the_api(cli_db: str) -> None:
    settings = Settings(_env_file=None, database_url=cli_db, base_url="http://testserver")  # type: ignore[call-arg]
    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0
    database = Database.from_url(cli_db)
    try:
        with database.unit_of_work() as session:
            ensure_demo_issuer(session, settings)
    finally:
        database.dispose()
    result = CliRunner().invoke(
        cli, ["token", "create", "--role", "issuer", "--issuer", str(DEMO_ISSUER_ID)]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with TestClient(create_app(settings)) as client:
        response = client.get(
            f"/api/v1/issuers/{DEMO_ISSUER_ID}", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200
    assert response.json()["name"] == "Materahub Academy"
