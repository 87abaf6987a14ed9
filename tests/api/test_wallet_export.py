"""`GET /api/v1/wallet/export`: the zip, and that everything in it verifies on its own."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from typing import Any

from fastapi.testclient import TestClient

from credex.core import verify_credential
from credex.core.baking import unbake
from credex.core.verification import verify_presentation
from credex.db.session import Database
from credex.settings import Settings
from credex.verification.documents import VerificationDocuments
from credex.wallet.badge_image import generated_png
from tests.api.test_issuance_support import Tenant, auth, issue, make_achievement, make_issuer
from tests.api.test_wallet_support import ANA, learner_headers, two_issuer_wallet
from tests.conftest import make_token

CREDENTIAL_FILES = ("credential.json", "credential.jwt", "badge.png", "badge.svg")


def export(client: TestClient, headers: dict[str, str]) -> zipfile.ZipFile:
    response = client.get("/api/v1/wallet/export", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="credex-wallet-'
    )
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_zip_holds_every_credential_in_every_form(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    archive = export(client, w.ana)
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["format"] == "credex-wallet-export/1"
    assert manifest["holder"] == {"email": ANA}
    assert manifest["presentation"]["signed"] is False
    records = {record["id"]: record for record in manifest["credentials"]}
    assert set(records) == w.ana_ids
    listed = {"index.html", "manifest.json", "presentation.json"}
    for record in records.values():
        folder = record["folder"]
        assert folder.startswith("credentials/digital-storytelling-for-cultural-heritage-")
        document = "credential.jwt" if record["format"] == "jwt" else "credential.json"
        expected = [document, "badge.png", "badge.svg", "certificate.pdf"]
        assert [f["path"] for f in record["files"]] == [f"{folder}/{n}" for n in expected]
        for item in record["files"]:
            data = archive.read(item["path"])
            assert hashlib.sha256(data).hexdigest() == item["sha256"]
            assert len(data) == item["bytes"]
            listed.add(item["path"])
    assert names == listed  # nothing unlisted, nothing missing
    ldp_folder = records[w.ana_ldp["id"]]["folder"]
    assert json.loads(archive.read(f"{ldp_folder}/credential.json")) == w.ana_ldp["credential"]
    jwt_folder = records[w.ana_jwt["id"]]["folder"]
    assert archive.read(f"{jwt_folder}/credential.jwt").decode() == w.ana_jwt["jwt"]
    assert archive.read(f"{ldp_folder}/certificate.pdf").startswith(b"%PDF-")
    presentation = json.loads(archive.read("presentation.json"))
    assert presentation["type"] == ["VerifiablePresentation"]
    carried = presentation["verifiableCredential"]
    assert w.ana_ldp["credential"] in carried
    assert {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:application/vc+jwt,{w.ana_jwt['jwt']}",
        "type": "EnvelopedVerifiableCredential",
    } in carried
    index = archive.read("index.html").decode()
    assert index.count('class="credential"') == 2
    assert f'href="{ldp_folder}/certificate.pdf"' in index
    assert "Heritage Academy" in index
    assert "https://" not in index.split("<main>")[0]  # no remote styles or scripts: offline


def test_every_credential_file_and_baked_image_in_the_zip_verifies(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    archive = export(client, w.ana)
    checked = 0
    with database.unit_of_work() as session:
        documents = VerificationDocuments(session, settings, fetcher=None)
        for name in archive.namelist():
            if name.rsplit("/", 1)[-1] not in CREDENTIAL_FILES:
                continue
            report = verify_credential(archive.read(name), documents, email=ANA)
            outcomes = {check.id: check.outcome for check in report.checks}
            assert report.verified, (name, outcomes)
            assert outcomes["status"] == "passed", (name, outcomes)
            assert outcomes["recipient"] == "passed", (name, outcomes)
            checked += 1
        presentation = json.loads(archive.read("presentation.json"))
        vp = verify_presentation(presentation, documents)
        assert [report.verified for report in vp.credentials] == [True, True]
    assert checked == 2 * 3  # each credential: its file, the baked PNG, the baked SVG


def test_a_revoked_credential_is_exported_and_shows_as_revoked(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    client.post(
        f"/api/v1/credentials/{w.ana_ldp['id']}/revoke",
        json={"reason": "plagiarism"},
        headers=w.tenant_a.headers,
    )
    archive = export(client, w.ana)
    manifest = json.loads(archive.read("manifest.json"))
    states = {record["id"]: record["status"] for record in manifest["credentials"]}
    assert states == {w.ana_ldp["id"]: "revoked", w.ana_jwt["id"]: "active"}
    folder = next(r["folder"] for r in manifest["credentials"] if r["id"] == w.ana_ldp["id"])
    with database.unit_of_work() as session:
        documents = VerificationDocuments(session, settings, fetcher=None)
        report = verify_credential(archive.read(f"{folder}/badge.png"), documents)
    assert not report.verified
    assert report.check("status") is not None
    assert report.check("status").outcome == "failed"  # type: ignore[union-attr]


def test_the_achievements_own_image_is_what_gets_baked(
    client: TestClient, database: Database, settings: Settings
) -> None:
    picture = generated_png("Own artwork", "EQF 5", "#123456")
    issuer_id = make_issuer(database, settings)
    achievement_id = make_achievement(
        database, issuer_id, image="data:image/png;base64," + base64.b64encode(picture).decode()
    )
    token = make_token(database, role="issuer", name="t", issuer_id=issuer_id)
    issued = issue(client, Tenant(issuer_id, achievement_id, auth(token)), ANA)
    archive = export(client, learner_headers(database, ANA))
    png_name = next(n for n in archive.namelist() if n.endswith("badge.png"))
    baked = archive.read(png_name)
    assert unbake(baked).value == issued["credential"]
    assert baked.startswith(picture[:33])  # the same header: the artwork's own IHDR
    assert picture[33:] in baked  # and every chunk of it, byte for byte, after the credential
    svg = archive.read(png_name.replace("badge.png", "badge.svg")).decode()
    assert base64.b64encode(picture).decode() in svg  # the SVG shows the same artwork


def test_an_empty_wallet_exports_an_empty_but_valid_zip(
    client: TestClient, database: Database
) -> None:
    archive = export(client, learner_headers(database, "new@example.org"))
    manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    assert manifest["credentials"] == []
    assert json.loads(archive.read("presentation.json"))["verifiableCredential"] == []
    assert "holds no credentials yet" in archive.read("index.html").decode()
