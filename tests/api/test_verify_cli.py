"""`credex verify`: readable and JSON reports, exit codes, offline operation, no database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from credex.cli import app as cli
from credex.core import Ed25519Signer, sign_credential
from credex.core.baking import bake_png, bake_svg
from credex.core.proofs import add_proof
from credex.settings import get_settings
from tests.api.test_fetcher import LocalServer, local_server
from tests.core.factories import ob_credential
from tests.core.test_verification import tiny_png

SIGNER = Ed25519Signer.from_seed(bytes(range(32)))
EMAIL = "learner@example.org"


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No database exists or is created: verification needs none."""
    monkeypatch.setenv("CREDEX_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()
    assert not (tmp_path / "absent.db").exists()


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    return sign_credential(ob_credential(SIGNER.controller, email=EMAIL), SIGNER)


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["verify", *args])


def write(folder: Path, name: str, content: bytes | str) -> str:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def test_a_valid_credential_exits_0_with_a_readable_report(
    cli_env: Path, signed: dict[str, Any]
) -> None:
    result = run(write(cli_env, "credential.json", json.dumps(signed)), "--offline")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "✔ VERIFIED — Digital storytelling"
    assert "issued by Example Academy (unknown issuer" in lines[1]
    assert "  ✔ Digital signature: Passed. signature verified (eddsa-rdfc-2022)" in lines
    assert any(line.startswith("  ! Issuer is known: Warning.") for line in lines)


def test_a_tampered_credential_exits_1(cli_env: Path, signed: dict[str, Any]) -> None:
    tampered = json.loads(json.dumps(signed))
    tampered["name"] = "Forged"
    result = run(write(cli_env, "forged.json", json.dumps(tampered)), "--offline")
    assert result.exit_code == 1
    assert result.output.startswith("✖ NOT VERIFIED")
    assert "✖ Digital signature: Failed." in result.output


def test_json_output_is_the_api_report(cli_env: Path, signed: dict[str, Any]) -> None:
    result = run(
        write(cli_env, "c.json", json.dumps(signed)), "--json", "--offline", "--email", EMAIL
    )
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["verified"] is True
    assert {check["id"]: check["outcome"] for check in report["checks"]}["recipient"] == "passed"
    assert report["credential"]["achievement"]["name"] == "Digital storytelling"
    wrong = run(write(cli_env, "c2.json", json.dumps(signed)), "--json", "--email", "x@y.org")
    assert wrong.exit_code == 1


@pytest.mark.parametrize("kind", ["png", "svg", "jwt"])
def test_baked_images_and_jwts_verify_offline(
    cli_env: Path, signed: dict[str, Any], kind: str
) -> None:
    content: bytes | str = {
        "png": lambda: bake_png(tiny_png(), signed),
        "svg": lambda: bake_svg('<svg xmlns="http://www.w3.org/2000/svg"/>', signed),
        "jwt": lambda: sign_credential(ob_credential(SIGNER.controller), SIGNER, format="jwt"),
    }[kind]()
    result = run(write(cli_env, f"badge.{kind}", content), "--offline")
    assert result.exit_code == 0, result.output


def test_a_did_web_issuer_cannot_be_checked_offline(cli_env: Path) -> None:
    did = "did:web:issuer.example"
    signer = Ed25519Signer.from_seed(bytes(32), controller=did, verification_method=f"{did}#k")
    credential = sign_credential(ob_credential(did), signer)
    result = run(write(cli_env, "web.json", json.dumps(credential)), "--offline")
    assert result.exit_code == 1
    assert "? Digital signature: Could not check." in result.output
    assert "not available offline" in result.output


def test_a_presentation_lists_its_credentials(cli_env: Path, signed: dict[str, Any]) -> None:
    presentation = add_proof(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": SIGNER.controller,
            "verifiableCredential": [signed],
        },
        SIGNER,
        proof_purpose="authentication",
    )
    result = run(write(cli_env, "vp.json", json.dumps(presentation)), "--offline")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("✔ VERIFIED — a presentation")
    assert "  credential 1:" in result.output


def test_a_url_is_fetched_unless_offline(
    cli_env: Path, signed: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CREDEX_FETCH_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    server: LocalServer
    with local_server() as server:
        url = server.serve("/c.json", signed)
        assert run(url).exit_code == 0
        offline = run(url, "--offline")
        assert offline.exit_code == 2
        assert "--offline" in offline.output


@pytest.mark.parametrize(
    "args", [["missing.json"], [], ["a.json", "b.json"], ["x.json", "--colour"]]
)
def test_bad_usage_exits_2(cli_env: Path, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
