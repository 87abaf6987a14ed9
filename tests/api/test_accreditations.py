"""The accreditation registry: records, CSV import (API and CLI), and what verification says:
"accredited by … for … until …", a warning for unknown providers, and the separate
`accreditation` check failing once the accreditation has expired."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from credex.cli import app as cli
from credex.core import Ed25519Signer, sign_credential
from credex.db import migrate
from credex.db.models import Accreditation
from credex.db.session import Database
from credex.settings import Settings, get_settings
from tests.api.test_issuance_support import issue, make_tenant
from tests.api.test_verify import outcomes
from tests.core.factories import ob_credential

SIGNER = Ed25519Signer.from_seed(bytes(range(1, 33)))
NEXT_YEAR = (datetime.now(UTC) + timedelta(days=365)).replace(microsecond=0)
LAST_YEAR = (datetime.now(UTC) - timedelta(days=365)).replace(microsecond=0)


def record(**fields: Any) -> dict[str, Any]:
    return {
        "issuer": SIGNER.controller,
        "name": "Partner academy",
        "accredited_by": "Agenzia Nazionale di Valutazione",
        "scope": {"fields": ["ICT"], "eqf_levels": [4, 5]},
        "valid_until": NEXT_YEAR.isoformat(),
        "source": "https://qa.example/registry/partner-academy",
    } | fields


def verify(client: TestClient, credential: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = client.post("/api/v1/verify", json={"credential": credential}).json()
    return report


def test_an_accredited_provider_is_named_with_body_scope_and_end_date(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    credential = sign_credential(ob_credential(SIGNER.controller), SIGNER)
    unknown = verify(client, credential)
    assert unknown["credential"]["issuer"]["trust"]["status"] == "unknown"
    assert outcomes(unknown)["issuer"] == "failed"
    assert unknown["warnings"], "an unknown provider is a warning"
    added = client.post("/api/v1/accreditations", json=record(), headers=admin_headers)
    assert added.status_code == 201, added.text
    assert added.json()["scope"] == {"fields": ["ICT"], "eqf_levels": [4, 5]}
    report = verify(client, credential)
    assert report["verified"] is True
    trust = report["credential"]["issuer"]["trust"]
    assert trust["status"] == "accredited"
    expected = (
        f"accredited by Agenzia Nazionale di Valutazione for ICT at EQF levels 4/5 until "
        f"{NEXT_YEAR.date().isoformat()}"
    )
    assert trust["label"] == expected
    assert outcomes(report)["accreditation"] == "passed"
    assert outcomes(report)["issuer"] == "passed"
    assert report["warnings"] == []
    page = client.post("/verify", data={"document": json.dumps(credential)}).text
    assert expected in page
    listed = client.get("/api/v1/accreditations", headers=admin_headers).json()["items"]
    assert [item["issuer"] for item in listed] == [SIGNER.controller]


def test_an_expired_accreditation_fails_the_accreditation_check(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    credential = sign_credential(ob_credential(SIGNER.controller), SIGNER)
    added = client.post("/api/v1/accreditations", json=record(), headers=admin_headers).json()
    assert outcomes(verify(client, credential))["accreditation"] == "passed"
    with database.unit_of_work() as session:  # time passes: the accreditation ends
        row = session.get(Accreditation, uuid.UUID(added["id"]))
        assert row is not None
        row.valid_from, row.valid_until = LAST_YEAR - timedelta(days=30), LAST_YEAR
    report = verify(client, credential)
    check = next(c for c in report["checks"] if c["id"] == "accreditation")
    assert check["outcome"] == "failed"
    assert check["required"] is False
    assert f"expired on {LAST_YEAR.date().isoformat()}" in check["detail"]
    assert report["credential"]["issuer"]["trust"]["status"] == "accreditation-expired"
    assert check["detail"] in report["warnings"]
    assert report["verified"] is True, "the credential itself is still genuine"


def test_our_own_issuer_is_accredited_by_id_and_the_page_says_so(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant)
    body = record(issuer=str(tenant.issuer_id), name=None)
    added = client.post("/api/v1/accreditations", json=body, headers=admin_headers)
    assert added.status_code == 201, added.text
    assert added.json()["issuer"].startswith("did:web:")
    assert added.json()["name"] == "Creative Skills Lab"
    report = verify(client, issued["credential"])
    assert report["credential"]["issuer"]["trust"]["status"] == "this-service"
    assert (
        "accredited by Agenzia Nazionale di Valutazione"
        in (report["credential"]["issuer"]["trust"]["label"])
    )
    assert outcomes(report)["accreditation"] == "passed"


def test_bad_records_are_422_and_only_admins_write(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    url = "/api/v1/accreditations"
    assert client.post(url, json=record(), headers=tenant.headers).status_code == 403
    assert client.get(url, headers=tenant.headers).status_code == 403
    backwards = record(valid_from=NEXT_YEAR.isoformat(), valid_until=LAST_YEAR.isoformat())
    for bad in (backwards, record(scope={"eqf_levels": [9]}), record(source="ftp://x")):
        response = client.post(url, json=bad, headers=admin_headers)
        assert response.status_code == 422, bad
        assert response.headers["content-type"].startswith("application/problem+json")
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Accreditation)) == 0


CSV_HEADER = (
    "issuer,name,accredited_by,scope_fields,scope_eqf_levels,valid_from,valid_until,source\n"
)
GOOD_ROW = (
    "did:web:academy.example,Academy,QA Agency,ICT;Design,4;5,2026-01-01T00:00:00Z,"
    "2030-01-01T00:00:00Z,https://qa.example/a\n"
)


def test_a_csv_imports_every_row_or_none(
    client: TestClient, admin_headers: dict[str, str], database: Database
) -> None:
    headers = admin_headers | {"Content-Type": "text/csv"}
    bad = CSV_HEADER + GOOD_ROW + "did:web:other.example,Other,,ICT,12,,,\n"
    refused = client.post("/api/v1/accreditations/import", content=bad, headers=headers)
    assert refused.status_code == 422
    rows = {problem["row"] for problem in refused.json()["errors"]}
    assert rows == {3}
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Accreditation)) == 0
    imported = client.post(
        "/api/v1/accreditations/import", content=CSV_HEADER + GOOD_ROW, headers=headers
    )
    assert imported.status_code == 201, imported.text
    item = imported.json()["items"][0]
    assert item["scope"] == {"fields": ["ICT", "Design"], "eqf_levels": [4, 5]}
    assert item["valid_until"].startswith("2030-01-01")


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CREDEX_DATABASE_URL", url)
    monkeypatch.setenv("CREDEX_BASE_URL", "http://testserver")
    get_settings.cache_clear()
    migrate.upgrade(url)
    yield url
    get_settings.cache_clear()


def test_the_cli_imports_a_csv_and_reports_bad_rows(cli_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_HEADER + "did:web:x.example,X,,,,,,\n", "utf-8")
    refused = CliRunner().invoke(cli, ["accreditations", "import", str(bad)])
    assert refused.exit_code == 2
    assert "row 2" in refused.output
    good = tmp_path / "good.csv"
    good.write_text(CSV_HEADER + GOOD_ROW, "utf-8")
    result = CliRunner().invoke(cli, ["accreditations", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "imported 1 accreditation(s)" in result.output
    database = Database.from_url(cli_db)
    try:
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(Accreditation)) == 1
    finally:
        database.dispose()
