"""The `credex` command line, run as a user would, on its own database file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from credex.app import create_app
from credex.cli import app as cli
from credex.settings import Settings, get_settings


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CREDEX_DATABASE_URL", url)
    monkeypatch.setenv("CREDEX_BASE_URL", "http://testserver")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_token_create_prints_token_on_last_line_and_it_works(cli_env: str) -> None:
    result = CliRunner().invoke(cli, ["token", "create", "--role", "admin", "--name", "ops"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("cx_")
    settings = Settings(_env_file=None, database_url=cli_env, base_url="http://testserver")  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["name"] == "ops"


def test_token_create_rejects_bad_usage(cli_env: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["token", "create", "--role", "root"]).exit_code == 2
    assert runner.invoke(cli, ["token", "create", "--role", "learner"]).exit_code == 2
    assert (
        runner.invoke(cli, ["token", "create", "--role", "issuer", "--issuer", "x"]).exit_code == 2
    )


def test_db_upgrade_and_demo_are_idempotent(cli_env: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(cli, ["demo"])
    second = runner.invoke(cli, ["demo"])
    assert first.exit_code == second.exit_code == 0
    assert "already loaded" in second.output
    current = runner.invoke(cli, ["db", "current"]).output
    assert current.splitlines()[0].removeprefix("current: ") == current.splitlines()[
        1
    ].removeprefix("head: ")


def test_serve_gives_workers_time_to_start(cli_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn kills a worker that does not answer its health check within 5 s by default, which
    a worker still importing on a busy machine often cannot (issue 13 §13)."""
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    result = CliRunner().invoke(cli, ["serve", "--workers", "2"])
    assert result.exit_code == 0, result.output
    [kwargs] = calls
    assert kwargs["workers"] == 2
    assert kwargs["timeout_worker_healthcheck"] == 120

    monkeypatch.setenv("CREDEX_WORKER_HEALTHCHECK_SECONDS", "300")
    get_settings.cache_clear()
    assert CliRunner().invoke(cli, ["serve"]).exit_code == 0
    assert calls[1]["timeout_worker_healthcheck"] == 300


def test_serve_on_another_port_links_to_that_port(
    cli_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without CREDEX_BASE_URL, `serve --port 8917` must not mail links to port 8000."""
    import uvicorn

    monkeypatch.delenv("CREDEX_BASE_URL")
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["serve", "--port", "8917"])
    assert result.exit_code == 0, result.output
    assert get_settings().base_url == "http://localhost:8917"

    monkeypatch.setenv("CREDEX_BASE_URL", "https://credentials.example.org")
    get_settings.cache_clear()
    assert CliRunner().invoke(cli, ["serve", "--port", "8918"]).exit_code == 0
    assert get_settings().base_url == "https://credentials.example.org"
