"""An IP address as CREDEX_BASE_URL is refused at start-up, with what to use instead (issue 13
§9): issuers' did:web identifiers need a domain name, so credentials issued under an IP host
could never be verified, and `/issuers/{id}/did.json` would fail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from credex.cli import app as cli
from credex.settings import Settings, get_settings


@pytest.fixture
def ip_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CREDEX_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("CREDEX_BASE_URL", "http://127.0.0.1:8000")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.parametrize("command", [["serve"], ["demo"], ["db", "upgrade"]])
def test_the_cli_refuses_an_ip_base_url_and_says_what_to_use(
    ip_env: Path, command: list[str]
) -> None:
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 2, result.output
    assert "CREDEX_BASE_URL" in result.output
    assert "use http://localhost:8000 instead" in result.output
    assert not (ip_env / "cli.db").exists()  # nothing was created or issued


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("https://192.0.2.7", "use https://<a domain name> instead"),
        ("http://[::1]:9000/", "use http://localhost:9000 instead"),
    ],
)
def test_settings_refuse_ip_hosts(url: str, hint: str) -> None:
    with pytest.raises(ValidationError, match="IP address") as caught:
        Settings(_env_file=None, base_url=url)  # type: ignore[call-arg]
    assert hint in str(caught.value)


def test_domain_names_are_accepted() -> None:
    for url in ("http://localhost:8000/", "https://credentials.example.org"):
        settings = Settings(_env_file=None, base_url=url)  # type: ignore[call-arg]
        assert settings.base_url == url.rstrip("/")
