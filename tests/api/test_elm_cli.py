"""`credex verify` checks an ELM (EDC-W3C) credential like any Data Integrity credential."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from typer.testing import CliRunner

from credex.cli import app as cli
from credex.core import Ed25519Signer
from credex.core.elm import jades
from credex.core.proofs import add_proof
from credex.settings import get_settings
from tests.api.test_elm_support import self_signed_seal
from tests.core import elm_factories as make

SIGNER = Ed25519Signer.from_seed(bytes(range(32)))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("CREDEX_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_the_cli_verifies_an_elm_credential_and_refuses_a_tampered_one(folder: Path) -> None:
    signed = add_proof(make.build(make.graded(SIGNER.controller)), SIGNER)
    good = folder / "elm.json"
    good.write_text(json.dumps(signed))
    result = CliRunner().invoke(cli, ["verify", str(good), "--offline", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["verified"] is True
    assert report["credential"]["types"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    signed["credentialSubject"]["hasClaim"][0]["provenBy"][0]["grade"]["noteLiteral"]["en"] = "A+"
    bad = folder / "tampered.json"
    bad.write_text(json.dumps(signed))
    result = CliRunner().invoke(cli, ["verify", str(bad), "--offline"])
    assert result.exit_code == 1, result.output
    assert "signature" in result.output.lower()


def test_the_cli_checks_a_jades_sealed_elm_credential(folder: Path) -> None:
    signed = add_proof(make.build(make.facts(SIGNER.controller)), SIGNER)
    cert_pem, key_pem = self_signed_seal()
    key = serialization.load_pem_private_key(key_pem.encode(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    chain = [x509.load_pem_x509_certificate(cert_pem.encode())]
    sealed = jades.seal(json.dumps(signed), key, chain, datetime.now(UTC))
    path = folder / "sealed.json"
    path.write_text(json.dumps(sealed))
    result = CliRunner().invoke(cli, ["verify", str(path), "--offline"])
    assert result.exit_code == 0, result.output
    assert "✔ Electronic seal (JAdES): Passed" in result.output
