"""`credex verify --offline` on credex's own credentials (issue 13 §10): run as a user would, in
its own process, configured for another origin than the issuing service. The credex context is
known at any deployment's URL; the issuer's did:web document and its status list are pinned
with `--documents DIR`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.core.dids.did_web import did_web_to_url
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, issue, make_tenant


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


def credex_verify(workdir: Path, *args: str) -> tuple[int, dict[str, Any] | str]:
    env = {
        **os.environ,
        "CREDEX_DATABASE_URL": f"sqlite:///{workdir / 'absent.db'}",
        "CREDEX_BASE_URL": "https://verifier.example",  # not the issuing service
    }
    done = subprocess.run(
        [sys.executable, "-m", "credex", "verify", "--json", "--offline", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        return done.returncode, json.loads(done.stdout)
    except ValueError:
        return done.returncode, done.stdout + done.stderr


def outcomes(report: dict[str, Any] | str) -> dict[str, str]:
    assert isinstance(report, dict), report
    return {check["id"]: check["outcome"] for check in report["checks"]}


def test_offline_verification_of_a_credex_credential_with_pinned_documents(
    client: TestClient, tenant: Tenant, tmp_path: Path
) -> None:
    credential = issue(client, tenant)["credential"]
    (tmp_path / "credential.json").write_text(json.dumps(credential))
    pins = tmp_path / "pins"
    pins.mkdir()
    did = credential["issuer"]["id"]
    (pins / "did.json").write_text(client.get(did_web_to_url(did)).text)
    status_url = credential["credentialStatus"]["statusListCredential"]
    (pins / "status.json").write_text(client.get(status_url).text)

    code, report = credex_verify(tmp_path, "credential.json", "--documents", str(pins))
    assert code == 0, report
    assert outcomes(report)["proof"] == "passed"
    assert outcomes(report)["contexts"] == "passed"
    assert outcomes(report)["status"] == "passed"

    # Without pins, the context is still known: only what needs the issuer's documents is open.
    code, report = credex_verify(tmp_path, "credential.json")
    assert code == 1
    assert outcomes(report)["contexts"] == "passed"
    assert outcomes(report)["proof"] == "error"


def test_a_pinned_folder_that_cannot_be_read_is_bad_usage(tmp_path: Path) -> None:
    (tmp_path / "credential.json").write_text("{}")
    (tmp_path / "pins").mkdir()
    (tmp_path / "pins" / "broken.json").write_text("{not json")
    code, output = credex_verify(tmp_path, "credential.json", "--documents", str(tmp_path / "pins"))
    assert code == 2
    assert "broken.json is not a JSON document" in str(output)
