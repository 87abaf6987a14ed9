"""Pages: the achievement page shows the national level, endorsements and the button to apply;
the wallet's recognition page takes an application (input kept after an error) and shows its
stage; the issuer page shows endorsements."""

from __future__ import annotations

from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_endorsements import COMMENT, endorse, make_endorser
from tests.api.test_issuance_support import make_achievement, make_tenant
from tests.api.test_wallet_web import csrf_of, signed_in

HTML = {"Accept": "text/html"}


def test_public_pages_show_level_endorsements_and_the_apply_button(
    client: TestClient, admin_headers: dict[str, str], database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    tenant.achievement_id = make_achievement(
        database, tenant.issuer_id, eqf_level=5, nqf={"country": "FR", "level": "5"}
    )
    _endorser, headers = make_endorser(client, admin_headers)
    endorse(client, headers, tenant)
    client.post(
        "/api/v1/endorsements",
        json={"issuer_id": str(tenant.issuer_id), "comment": "A reliable provider"},
        headers=headers,
    )
    page = client.get(f"/achievements/{tenant.achievement_id}", headers=HTML).text
    assert "EQF 5 (France: niveau 5)" in page
    assert "Museums Sector Council" in page
    assert COMMENT in page
    assert f'href="/wallet/recognition?achievement={tenant.achievement_id}"' in page
    issuer_page = client.get(f"/issuers/{tenant.issuer_id}", headers=HTML).text
    assert "A reliable provider" in issuer_page


def test_the_learner_applies_from_the_wallet_page(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    signed_in(client, database)
    form = client.get(f"/wallet/recognition?achievement={tenant.achievement_id}")
    assert form.status_code == 200
    assert 'for="f-outcome-1"' in form.text
    fields = {
        "csrf_token": csrf_of(form.text),
        "achievement_id": str(tenant.achievement_id),
        "statement": "Museum guide for five years",
        "outcome-1": "I planned the podcast",
        "evidence_url": "not a link",
        "action": "submit",
    }
    refused = client.post("/wallet/recognition", data=fields)
    assert refused.status_code == 422
    assert "I planned the podcast" in refused.text, "input is kept after an error"
    fields["evidence_url"] = "https://museum.example/podcast"
    done = client.post(
        "/wallet/recognition",
        data=fields,
        files={"file": ("notes.txt", b"My notes", "text/plain")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    listed = client.get("/wallet/recognition").text
    assert "Submitted: being assessed" in listed
    queue = client.get("/api/v1/recognition/applications", headers=tenant.headers).json()
    assert queue["items"][0]["files"][0]["filename"] == "notes.txt"
