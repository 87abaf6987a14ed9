"""ELM v3 (Europass) renderings through the API: SHACL-conformant for every kind of credential,
verified by credex's own verification, tamper-evident, stored once, and served only to those
who may see the credential."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.achievements.demo import ensure_demo_achievements
from credex.db.models import Achievement, CredentialRendering
from credex.db.session import Database
from credex.frameworks.demo import ensure_demo_framework
from credex.issuance.demo import ensure_demo_credentials
from credex.issuers.service import ensure_demo_issuer
from credex.settings import Settings
from tests.api.test_elm_support import elm_tenant, give_legal_identity
from tests.api.test_issuance_support import auth, issue, make_tenant
from tests.api.test_stacking_support import create_rule, issue_component, leaf, make_stack
from tests.api.test_wallet_support import learner_headers
from tests.api.test_wallet_web import signed_in
from tests.conftest import make_token
from tests.elm_shacl import shacl_violations

ANA = "ana@example.org"


def elm_of(client: TestClient, credential_id: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"/api/v1/credentials/{credential_id}/elm", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    document: dict[str, Any] = response.json()
    return document


def verify_api(client: TestClient, document: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/verify", json={"credential": document})
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def outcomes(report: dict[str, Any]) -> dict[str, str]:
    return {check["id"]: check["outcome"] for check in report["checks"]}


def bilingual(database: Database, achievement_id: uuid.UUID) -> None:
    """The achievement in English and French, as the issue asks of the ELM form."""
    with database.unit_of_work() as session:
        row = session.get(Achievement, achievement_id)
        assert row is not None
        row.name = {"en": "Digital storytelling", "fr": "Narration numérique"}
        row.description = {"en": "Tell stories.", "fr": "Raconter des histoires."}
        row.learning_outcomes = [
            {
                "description": {"en": "Plan a narrative", "fr": "Planifier un récit"},
                "competency_ids": [],
                "esco_uris": [
                    "http://data.europa.eu/esco/skill/0d2b3e3a-1b7c-4a5c-9f1e-1a2b3c4d5e6f"
                ],
            }
        ]


def stacked_credential(
    client: TestClient, database: Database, settings: Settings
) -> tuple[dict[str, Any], dict[str, str]]:
    stack = make_stack(database, settings)
    give_legal_identity(database, stack.issuer_id)
    create_rule(client, stack, {"type": "all_of", "of": [leaf(c) for c in stack.component_ids[:2]]})
    issue_component(client, stack, 0)
    issue_component(client, stack, 1)
    listed = client.get(
        f"/api/v1/credentials?achievement_id={stack.target_id}", headers=stack.headers
    ).json()["items"]
    assert len(listed) == 1
    return listed[0], stack.headers


@pytest.mark.parametrize("kind", ["plain", "graded", "with evidence", "stacked"])
def test_every_kind_of_credential_is_a_conformant_signed_elm_credential(
    kind: str, client: TestClient, database: Database, settings: Settings
) -> None:
    if kind == "stacked":
        credential, headers = stacked_credential(client, database, settings)
    else:
        tenant = elm_tenant(database, settings)
        bilingual(database, tenant.achievement_id)
        extra: dict[str, Any] = {
            "plain": {},
            "graded": {"result": {"value": "Merit"}},
            "with evidence": {
                "evidence": [{"id": "https://evidence.example/ana", "name": "Portfolio"}]
            },
        }[kind]
        credential, headers = issue(client, tenant, **extra), tenant.headers
    document = elm_of(client, credential["id"], headers)
    count, report = shacl_violations(document)
    assert count == 0, report
    assert document["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    claim = document["credentialSubject"]["hasClaim"][0]
    if kind == "stacked":
        parts = claim["hasPart"]
        assert [p["title"]["en"] for p in parts] == ["Storytelling", "Crowdfunding"]
        assert claim["specifiedBy"]["creditPoint"][0]["point"] == "6"
    else:
        assert claim["title"] == {"en": "Digital storytelling", "fr": "Narration numérique"}
        outcome = claim["specifiedBy"]["learningOutcome"][0]
        assert outcome["title"]["fr"] == "Planifier un récit"
        assert claim["specifiedBy"]["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/4"
    if kind == "graded":
        assert claim["provenBy"][0]["grade"]["noteLiteral"]["en"] == "Merit"
    if kind == "with evidence":
        assert document["evidence"][0]["id"] == "https://evidence.example/ana"
    report_json = verify_api(client, document)
    assert report_json["verified"] is True, outcomes(report_json)


def test_an_elm_export_verifies_shares_the_status_and_tampering_fails(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = elm_tenant(database, settings)
    credential = issue(client, tenant)
    document = elm_of(client, credential["id"], tenant.headers)
    checks = outcomes(verify_api(client, document))
    assert checks["proof"] == checks["key_binding"] == checks["status"] == "passed"
    tampered = json.loads(json.dumps(document))
    tampered["credentialSubject"]["hasClaim"][0]["specifiedBy"]["creditPoint"][0]["point"] = "60"
    report = verify_api(client, tampered)
    assert report["verified"] is False
    assert outcomes(report)["proof"] == "failed"
    revoked = client.post(
        f"/api/v1/credentials/{credential['id']}/revoke",
        json={"reason": "issued in error"},
        headers=tenant.headers,
    )
    assert revoked.status_code == 200, revoked.text
    after = verify_api(client, document)  # one status for both forms
    assert after["verified"] is False
    assert outcomes(after)["status"] == "failed"


def test_the_signed_elm_is_stored_once_and_served_byte_for_byte(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = elm_tenant(database, settings)
    credential = issue(client, tenant)
    url = f"/api/v1/credentials/{credential['id']}/elm"
    first = client.get(url, headers=tenant.headers).content
    second = client.get(url, headers=tenant.headers).content
    assert first == second
    with database.session() as session:
        rows = session.scalars(select(CredentialRendering)).all()
    assert [(str(r.credential_id), r.form, r.content.encode()) for r in rows] == [
        (credential["id"], "elm", first)
    ]


def test_an_issuer_profile_without_a_legal_identifier_gets_a_409_and_nothing_is_stored(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    credential = issue(client, tenant)
    response = client.get(f"/api/v1/credentials/{credential['id']}/elm", headers=tenant.headers)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert "legal identifier" in response.json()["detail"]
    with database.session() as session:
        assert session.scalars(select(CredentialRendering)).all() == []


def test_who_may_download_the_elm_form(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = elm_tenant(database, settings)
    other = elm_tenant(database, settings, "Other Lab")
    credential = issue(client, tenant, email=ANA)
    cid = credential["id"]
    assert client.get(f"/api/v1/credentials/{cid}/elm", headers=other.headers).status_code == 404
    assert client.get(f"/api/v1/credentials/{cid}/elm").status_code == 401
    ana, bob = learner_headers(database, ANA), learner_headers(database, "bob@example.org")
    mine = client.get(f"/api/v1/wallet/credentials/{cid}/elm", headers=ana)
    assert mine.status_code == 200, mine.text
    assert mine.json()["credentialSubject"]["fullName"] == {"en": "Ana Silva"}
    assert client.get(f"/api/v1/wallet/credentials/{cid}/elm", headers=bob).status_code == 404
    assert client.get(f"/credentials/{cid}/elm").status_code == 404  # private
    page = client.get(f"/credentials/{cid}", headers={"Accept": "text/html"})
    assert f"/credentials/{cid}/elm" not in page.text
    made_public = client.post(
        f"/api/v1/credentials/{cid}/visibility", json={"public": True}, headers=tenant.headers
    )
    assert made_public.status_code == 200, made_public.text
    public = client.get(f"/credentials/{cid}/elm")
    assert public.status_code == 200
    assert public.content == mine.content  # one stored rendering, whoever asks
    page = client.get(f"/credentials/{cid}", headers={"Accept": "text/html"})
    assert f'href="/credentials/{cid}/elm"' in page.text


def test_the_wallet_zip_carries_the_elm_form_and_wallet_import_accepts_it(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = elm_tenant(database, settings)
    credential = issue(client, tenant, email=ANA)
    ana = learner_headers(database, ANA)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/v1/wallet/export", headers=ana).content))
    [path] = [name for name in archive.namelist() if name.endswith("/elm.json")]
    document = json.loads(archive.read(path))
    assert document["id"] == f"urn:credential:{credential['id']}"
    manifest = json.loads(archive.read("manifest.json"))
    assert path in {f["path"] for c in manifest["credentials"] for f in c["files"]}
    imported = client.post("/api/v1/wallet/imports", json={"credential": document}, headers=ana)
    assert imported.status_code == 201, imported.text
    [item] = imported.json()["items"]
    assert item["verified"] is True
    assert item["format"] == "ldp"


def test_the_wallet_page_links_the_elm_download(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = elm_tenant(database, settings)
    credential = issue(client, tenant, email=ANA)
    signed_in(client, database)
    page = client.get(f"/wallet/credentials/{credential['id']}")
    link = f'href="/wallet/credentials/{credential["id"]}/elm"'
    assert link in page.text
    download = client.get(f"/wallet/credentials/{credential['id']}/elm")
    assert download.status_code == 200
    assert json.loads(download.content)["id"] == f"urn:credential:{credential['id']}"
    assert "attachment" in download.headers["content-disposition"]


def test_erasing_the_account_deletes_the_stored_elm_with_the_learners_name(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = elm_tenant(database, settings)
    credential = issue(client, tenant, email=ANA)
    ana = learner_headers(database, ANA)
    before = elm_of(client, credential["id"], tenant.headers)
    assert before["credentialSubject"]["fullName"] == {"en": "Ana Silva"}
    assert client.delete("/api/v1/wallet/account", headers=ana).status_code == 200
    with database.session() as session:
        assert session.scalars(select(CredentialRendering)).all() == []
    after = elm_of(client, credential["id"], tenant.headers)  # rebuilt from the erased record
    assert "fullName" not in after["credentialSubject"]
    assert verify_api(client, after)["verified"] is True


def test_the_demo_credentials_ldp_and_vc_jwt_all_have_conformant_elm_forms(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """The demo's achievements are the richest (framework competencies, ESCO skills, several
    languages); its VC-JWT credentials are read from their JWS payload."""
    with database.unit_of_work() as session:
        issuer = ensure_demo_issuer(session, settings)
        achievements = ensure_demo_achievements(session, issuer, ensure_demo_framework(session))
        rows = ensure_demo_credentials(session, settings, issuer, achievements)
        issued = [(str(row.id), row.format) for row in rows]
        issuer_id = issuer.id
    headers = auth(make_token(database, role="issuer", name="demo", issuer_id=issuer_id))
    assert {fmt for _, fmt in issued} == {"ldp", "jwt"}
    for credential_id, _ in issued:
        document = elm_of(client, credential_id, headers)
        count, report = shacl_violations(document)
        assert count == 0, report
        assert verify_api(client, document)["verified"] is True
