"""National qualifications frameworks: the shipped referencings, admin edits, an achievement's
national level carried by the credential, shown by verification and exported to ELM."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.recognition.nqf import seed_data
from credex.settings import Settings
from tests.api.test_elm import elm_of, verify_api
from tests.api.test_elm_support import elm_tenant
from tests.api.test_issuance_support import issue, make_achievement, make_tenant
from tests.elm_shacl import shacl_violations


def test_the_seed_covers_five_countries_and_names_a_source_for_every_level(
    client: TestClient,
) -> None:
    countries = {entry["country"] for entry in seed_data()["countries"]}
    assert {"FR", "IT", "EL", "PT", "IE"} <= countries
    for country in countries:
        body = client.get(f"/api/v1/nqf/{country}").json()
        assert body["levels"], country
        assert all(level["source"] and 1 <= level["eqf"] <= 8 for level in body["levels"])
    ireland = {lvl["level"]: lvl["eqf"] for lvl in client.get("/api/v1/nqf/IE").json()["levels"]}
    assert [ireland["6"], ireland["8"], ireland["10"]] == [5, 6, 8]
    assert client.get("/api/v1/nqf/gr").json()["country"] == "EL"
    assert client.get("/api/v1/nqf/ZZ").status_code == 404
    assert client.get("/api/v1/nqf/DE").status_code == 404


def test_only_admins_replace_a_country_and_bad_input_changes_nothing(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    levels = [{"level": "4", "label": "Niveau 4", "eqf": 4, "source": "https://example.org/lu"}]
    body = {"framework": "Luxembourg Qualifications Framework", "levels": levels}
    tenant = make_tenant(database, settings)
    assert client.put("/api/v1/nqf/LU", json=body, headers=tenant.headers).status_code == 403
    assert client.put("/api/v1/nqf/LU", json=body).status_code == 401
    saved = client.put("/api/v1/nqf/LU", json=body, headers=admin_headers)
    assert saved.status_code == 200, saved.text
    assert client.get("/api/v1/nqf/LU").json()["levels"][0]["label"] == "Niveau 4"
    twice = {"framework": "x", "levels": [levels[0], {**levels[0], "label": "again"}]}
    refused = client.put("/api/v1/nqf/LU", json=twice, headers=admin_headers)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/nqf/LU").json()["levels"][0]["label"] == "Niveau 4"
    no_eqf = {"framework": "x", "levels": [{**levels[0], "eqf": 9}]}
    assert client.put("/api/v1/nqf/LU", json=no_eqf, headers=admin_headers).status_code == 422
    audit = client.get("/api/v1/audit?action=nqf.updated", headers=admin_headers).json()
    assert len(audit["items"]) == 1


def _draft(client: TestClient, headers: dict[str, str], **fields: Any) -> Any:
    body = {"name": {"en": "Pastry basics"}, "description": {"en": "Bake."}} | fields
    return client.post("/api/v1/achievements", json=body, headers=headers)


def test_an_achievement_states_a_recorded_level_consistent_with_its_eqf_level(
    client: TestClient, database: Database, settings: Settings
) -> None:
    headers = make_tenant(database, settings).headers
    good = _draft(client, headers, eqf_level=5, nqf={"country": "fr", "level": "5"})
    assert good.status_code == 201, good.text
    assert good.json()["nqf"] == {"country": "FR", "level": "5"}
    mismatch = _draft(client, headers, eqf_level=4, nqf={"country": "FR", "level": "5"})
    assert mismatch.status_code == 422
    assert "EQF 5" in mismatch.text
    unknown = _draft(client, headers, nqf={"country": "FR", "level": "11"})
    assert unknown.status_code == 422


def test_the_credential_carries_both_alignments_and_verification_states_both(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    tenant.achievement_id = make_achievement(
        database, tenant.issuer_id, eqf_level=5, nqf={"country": "FR", "level": "5"}
    )
    issued = issue(client, tenant)
    alignments = issued["credential"]["credentialSubject"]["achievement"]["alignment"]
    kinds = {a["targetType"]: a for a in alignments}
    assert kinds["ext:EQF"]["targetCode"] == "5"
    assert kinds["ext:NQF"]["targetName"] == "France: niveau 5"
    assert kinds["ext:NQF"]["targetUrl"].endswith("/api/v1/nqf/FR#level-5")
    report = verify_api(client, issued["credential"])
    assert report["verified"] is True, report
    assert report["credential"]["national_level"] == "France: niveau 5"
    assert report["credential"]["level"] == "EQF 5 (France: niveau 5)"
    page = client.post("/verify", data={"document": json.dumps(issued["credential"])})
    assert "EQF 5 (France: niveau 5)" in page.text


def test_the_elm_export_carries_the_eqf_and_the_national_level(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = elm_tenant(database, settings)
    tenant.achievement_id = make_achievement(
        database, tenant.issuer_id, eqf_level=4, nqf={"country": "IT", "level": "4"}
    )
    issued = issue(client, tenant)
    document = elm_of(client, issued["id"], tenant.headers)
    specified = document["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    assert specified["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/4"
    assert specified["nqfLevel"]["prefLabel"] == {"en": "Italy: livello 4"}
    count, report = shacl_violations(document)
    assert count == 0, report
