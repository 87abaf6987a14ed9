"""Importing a credential from elsewhere: verified first, kept as received, with its status."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core import Ed25519Signer, sign_credential
from credex.core.baking import bake_png, bake_svg
from credex.db.models import ExternalCredential
from credex.db.session import Database
from credex.settings import Settings
from credex.wallet.badge_image import generated_png, generated_svg
from tests.api.test_issuance_support import count
from tests.api.test_wallet_support import ANA, learner_headers, two_issuer_wallet
from tests.core.factories import ob_credential

ELSEWHERE = Ed25519Signer.from_seed(bytes(range(1, 33)))
IMPORTS = "/api/v1/wallet/imports"


@pytest.fixture(scope="module")
def foreign() -> dict[str, Any]:
    """A credential another provider (a did:key issuer) gave Ana."""
    return sign_credential(ob_credential(ELSEWHERE.controller, email=ANA), ELSEWHERE)


def test_an_imported_credential_is_verified_and_kept_with_each_issuer_record(
    client: TestClient, database: Database, settings: Settings, foreign: dict[str, Any]
) -> None:
    w = two_issuer_wallet(client, database, settings)
    response = client.post(IMPORTS, json={"credential": foreign}, headers=w.ana)
    assert response.status_code == 201, response.text
    items = response.json()["items"]
    assert {i["kept_with_issuer"]["name"] for i in items} == {
        "Creative Skills Lab",
        "Heritage Academy",
    }
    first = items[0]
    assert first["verified"] is True
    assert first["credential_issuer"] == ELSEWHERE.controller
    assert first["achievement_name"] == "Digital storytelling"
    assert {c["id"]: c["outcome"] for c in first["checks"]}["proof"] == "passed"
    listed = client.get(IMPORTS, headers=w.ana).json()["items"]
    assert {i["id"] for i in listed} == {i["id"] for i in items}
    assert client.get(IMPORTS, headers=w.bob).json()["items"] == []
    again = client.post(IMPORTS, json={"credential": foreign}, headers=w.ana)
    assert {i["id"] for i in again.json()["items"]} == {i["id"] for i in items}  # kept once
    exported = client.get("/api/v1/wallet/account/export", headers=w.ana).json()
    assert len(exported["imported_credentials"]) == 2
    archive = zipfile.ZipFile(
        io.BytesIO(client.get("/api/v1/wallet/export", headers=w.ana).content)
    )
    manifest = json.loads(archive.read("manifest.json"))
    (brought,) = manifest["imported"]  # kept with two issuer records, exported once
    path = brought["files"][0]["path"]
    assert json.loads(archive.read(path)) == foreign
    presentation = json.loads(archive.read("presentation.json"))
    assert foreign in presentation["verifiableCredential"]
    assert "Brought from elsewhere" in archive.read("index.html").decode()


def test_one_issuer_can_be_chosen_and_the_text_is_kept_as_received(
    client: TestClient, database: Database, settings: Settings, foreign: dict[str, Any]
) -> None:
    w = two_issuer_wallet(client, database, settings)
    text = json.dumps(foreign, indent=4)  # unusual spacing must survive
    response = client.post(
        f"{IMPORTS}?issuer_id={w.tenant_b.issuer_id}",
        files={"file": ("badge.json", text.encode(), "application/json")},
        headers=w.ana,
    )
    assert response.status_code == 201, response.text
    assert [i["kept_with_issuer"]["id"] for i in response.json()["items"]] == [
        str(w.tenant_b.issuer_id)
    ]
    with database.unit_of_work() as session:
        row = session.scalar(select(ExternalCredential))
        assert row is not None
        assert row.content == text


@pytest.mark.parametrize("image", ["png", "svg"])
def test_a_baked_badge_image_can_be_imported(
    client: TestClient,
    database: Database,
    settings: Settings,
    foreign: dict[str, Any],
    image: str,
) -> None:
    w = two_issuer_wallet(client, database, settings)
    if image == "png":
        data = bake_png(generated_png("x", "EQF 3", "#000000"), foreign)
    else:
        data = bake_svg(generated_svg("x", "EQF 3", "#000000"), foreign).encode()
    response = client.post(
        IMPORTS, files={"file": (f"badge.{image}", data, f"image/{image}")}, headers=w.ana
    )
    assert response.status_code == 201, response.text
    assert all(item["verified"] for item in response.json()["items"])


def test_a_credential_for_someone_else_or_tampered_is_refused_and_nothing_is_kept(
    client: TestClient, database: Database, settings: Settings, foreign: dict[str, Any]
) -> None:
    w = two_issuer_wallet(client, database, settings)
    theirs = sign_credential(
        ob_credential(ELSEWHERE.controller, email="eve@example.org"), ELSEWHERE
    )
    refused = client.post(IMPORTS, json={"credential": theirs}, headers=w.ana)
    assert refused.status_code == 422
    assert any("recipient" in e["detail"] for e in refused.json()["errors"])
    tampered = json.loads(json.dumps(foreign))
    tampered["name"] = "Forged"
    assert client.post(IMPORTS, json={"credential": tampered}, headers=w.ana).status_code == 422
    assert count(database, ExternalCredential) == 0


def test_an_incomplete_open_badges_2_assertion_and_garbage_are_refused_with_a_reason(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    ob2 = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example/assertions/1",
    }
    response = client.post(
        IMPORTS,
        files={"file": ("a.json", json.dumps(ob2).encode(), "application/json")},
        headers=w.ana,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["pointer"] == "/credential"
    assert error["detail"].startswith("format: not a valid OB 2.0 assertion")
    assert "/recipient" in error["detail"]
    garbage = client.post(IMPORTS, files={"file": ("a.bin", b"\x00\x01", "x/y")}, headers=w.ana)
    assert garbage.status_code == 422
    assert garbage.json()["errors"][0]["pointer"] == "/file"
    assert count(database, ExternalCredential) == 0


def test_a_person_no_issuer_knows_cannot_import_yet(
    client: TestClient, database: Database, foreign: dict[str, Any]
) -> None:
    stranger = learner_headers(database, ANA)
    response = client.post(IMPORTS, json={"credential": foreign}, headers=stranger)
    assert response.status_code == 409
    assert "no issuer on this service knows you" in response.json()["detail"]
