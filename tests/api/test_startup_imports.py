"""A worker's start-up stays light (issue 13 item 13): `credex serve --workers N` restarts
workers whose start-up exceeds uvicorn's health-check time, so modules needed only by rare
paths (PDF certificates, badge drawing, QR codes, ecdsa-sd-2023 CBOR) load on first use, and
development tools never load in the app at all."""

from __future__ import annotations

import json
import subprocess
import sys

# Rare-path or development-only modules that importing the app (and building it) must not load.
HEAVY_RARE_PATH_MODULES = (
    "fpdf",  # PDF certificate
    "fontTools",  # pulled in by fpdf
    "PIL",  # badge drawing
    "segno",  # QR codes
    "cbor2",  # ecdsa-sd-2023 proof values
    "pyshacl",  # development: SHACL shape tests
    "rdflib",  # development: pulled in by pyshacl
    "schemathesis",  # development: API fuzzing
    "hypothesis",  # development
    "playwright",  # development: page tests
    "pytest",
)

_PROBE = """
import json, sys
import credex.app
loaded_by_import = sorted(m for m in {names} if m in sys.modules)
credex.app.create_app()
loaded_by_create = sorted(m for m in {names} if m in sys.modules)
print(json.dumps([loaded_by_import, loaded_by_create]))
"""


def test_importing_and_creating_the_app_loads_no_rare_path_module(tmp_path):
    top_level = {name.split(".")[0] for name in HEAVY_RARE_PATH_MODULES}
    env = {
        "CREDEX_DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}",
        "CREDEX_BASE_URL": "http://localhost:8000",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(names=sorted(top_level))],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    loaded_by_import, loaded_by_create = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded_by_import == [], f"`import credex.app` loads {loaded_by_import}"
    assert loaded_by_create == [], f"`create_app()` loads {loaded_by_create}"


def test_the_rare_paths_still_load_their_modules_when_used():
    """The lazy imports are real: the certificate draws a PDF with its QR code."""
    from datetime import UTC, datetime

    from credex.wallet.certificate import CertificateFacts, certificate_pdf

    pdf = certificate_pdf(
        CertificateFacts(
            title="IP basics",
            learner="Ada",
            issuer="Uni",
            description="Networking",
            eqf_level=5,
            ects="2",
            workload=None,
            learning_outcomes=["Subnets"],
            valid_from=datetime(2026, 1, 1, tzinfo=UTC),
            valid_until=None,
            issued_at=datetime(2026, 1, 1, tzinfo=UTC),
            credential_id="urn:uuid:1",
            verify_url="https://localhost/verify",
        )
    )
    assert pdf.startswith(b"%PDF-")
    assert "fpdf" in sys.modules
    assert "segno" in sys.modules
