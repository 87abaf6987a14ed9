"""What employers read: one standing per credential in plain words (API, wallet, page), the
learner's consent to show their name, the credential page's facts, and private credentials."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, issue, make_tenant
from tests.api.test_stacking_support import (
    create_rule,
    evaluate,
    issue_component,
    learner_id_of,
    make_stack,
)
from tests.api.test_wallet_support import learner_headers
from tests.api.test_wallet_web import csrf_of, signed_in

HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
NAME_HIDDEN = "The learner chose not to show their name here."


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


def page(client: TestClient, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.text
    return response.text


def wallet_item(client: TestClient, headers: dict[str, str], credential_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/wallet/credentials/{credential_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_name_shows_only_with_the_learners_consent(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    issued = issue(client, tenant, public=True)
    path = f"/credentials/{issued['id']}"
    html = page(client, path)
    assert "Ana Silva" not in html
    assert NAME_HIDDEN in html
    ana = learner_headers(database)
    changed = client.post(
        f"/api/v1/wallet/credentials/{issued['id']}/visibility",
        json={"public": True, "show_name": True},
        headers=ana,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["show_name"] is True
    html = page(client, path)
    assert '<strong class="earner">Ana Silva</strong>' in html
    assert '<meta property="og:description" content="Ana Silva earned' in html
    # Turning the page private keeps the choice; leaving show_name out leaves it unchanged.
    private = client.post(
        f"/api/v1/wallet/credentials/{issued['id']}/visibility",
        json={"public": False},
        headers=ana,
    )
    assert private.json()["show_name"] is True


def test_each_share_link_has_its_own_name_choice(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    issued = issue(client, tenant)  # private
    ana = learner_headers(database)
    links = f"/api/v1/wallet/credentials/{issued['id']}/share-links"
    named = client.post(links, json={"show_name": True}, headers=ana).json()
    anonymous = client.post(links, json={}, headers=ana).json()
    assert (named["show_name"], anonymous["show_name"]) == (True, False)
    assert "Ana Silva" in page(client, urlsplit(named["url"]).path)
    html = page(client, urlsplit(anonymous["url"]).path)
    assert "Ana Silva" not in html
    assert NAME_HIDDEN in html
    assert "Add to LinkedIn profile" not in html  # LinkedIn needs the public page


def test_the_credential_page_shows_what_employers_look_for(
    client: TestClient, tenant: Tenant, settings: Settings
) -> None:
    issued = issue(client, tenant, public=True, result={"value": "Merit"})
    html = page(client, f"/credentials/{issued['id']}")
    assert "Status: Valid</h2>" in html
    assert 'class="document-image" src="data:image/png;base64,' in html
    assert "Plan a cross-media narrative" in html
    assert 'href="http://data.europa.eu/esco/skill/0d2b3e3a-1b7c-4a5c-9f1e-1a2b3c4d5e6f"' in html
    assert "Level 4 of the European Qualifications Framework" in html
    assert "<dt>ECTS credits</dt><dd>2</dd>" in html
    assert '<dt>Final grade</dt><dd class="grade">Merit</dd>' in html
    assert "Portfolio reviewed by a tutor" in html
    assert "ISO 21001" in html
    assert f'href="/issuers/{tenant.issuer_id}"' in html
    assert f'href="/achievements/{tenant.achievement_id}"' in html
    assert 'data-copy="page-address"' in html
    linkedin = next(
        part.split('"', 1)[0]
        for part in html.split('href="')
        if part.startswith("https://www.linkedin.com/profile/add?")
    )
    fields = parse_qs(urlsplit(linkedin.replace("&amp;", "&")).query)
    assert fields["startTask"] == ["CERTIFICATION_NAME"]
    assert fields["name"] == ["Digital storytelling for cultural heritage"]
    assert fields["organizationName"] == ["Creative Skills Lab"]
    assert fields["certUrl"] == [f"{settings.base_url}/credentials/{issued['id']}"]
    assert fields["certId"] == [issued["id"]]
    assert {"issueYear", "issueMonth"} <= fields.keys()


def test_a_private_credential_in_a_browser_is_a_page_and_json_stays_problem_json(
    client: TestClient, tenant: Tenant
) -> None:
    issued = issue(client, tenant)
    path = f"/credentials/{issued['id']}"
    browser = client.get(path, headers=HTML)
    assert browser.status_code == 404
    assert browser.headers["content-type"].startswith("text/html")
    assert "<h1>This credential is private</h1>" in browser.text
    assert 'action="/verify"' in browser.text
    assert 'type="file"' in browser.text
    assert issued["credential"]["credentialSubject"]["achievement"]["name"] not in browser.text
    machine = client.get(path, headers={"Accept": "application/json"})
    assert machine.status_code == 404
    assert machine.headers["content-type"] == "application/problem+json"


def test_a_revocation_reads_the_same_in_the_api_the_wallet_and_the_page(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    issued = issue(client, tenant, public=True)
    revoked = client.post(
        f"/api/v1/credentials/{issued['id']}/revoke",
        json={"reason": "internal: exam fraud case 12", "public_reason": "assessment annulled"},
        headers=tenant.headers,
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revocation_public_reason"] == "assessment annulled"
    report = client.post("/api/v1/verify", json={"credential": issued["credential"]}).json()
    words = report["standing"]["words"]
    assert words.startswith("Revoked by Creative Skills Lab on ")
    assert words.endswith(": assessment annulled")
    assert "exam fraud" not in json.dumps(report)
    assert report["credential"]["status"] == report["standing"]
    item = wallet_item(client, learner_headers(database), issued["id"])
    assert (item["status"], item["status_words"]) == ("revoked", words)
    html = page(client, f"/credentials/{issued['id']}")
    assert f'data-standing="revoked">{words}</p>' in html
    assert "exam fraud" not in html


def test_a_stacked_credential_with_a_revoked_component_has_one_status(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    issued = [issue_component(client, stack, i) for i in range(3)]
    create_rule(client, stack)
    [award] = evaluate(client, stack, learner_id_of(client, stack, issued[0]["id"]))["awarded"]
    stacked_id = award["credential_id"]
    component_name = issued[1]["credential"]["credentialSubject"]["achievement"]["name"]
    client.post(
        f"/api/v1/credentials/{issued[1]['id']}/revoke",
        json={"reason": "plagiarism"},
        headers=stack.headers,
    )
    expected = f"Component '{component_name}' was revoked"
    item = wallet_item(client, learner_headers(database), stacked_id)
    assert (item["status"], item["status_words"]) == ("component_revoked", expected)
    stacked = client.get(f"/api/v1/credentials/{stacked_id}", headers=stack.headers).json()
    report = client.post("/api/v1/verify", json={"credential": stacked["credential"]}).json()
    assert report["verified"] is False
    assert report["standing"] == {
        "state": "component_revoked",
        "label": "Component revoked",
        "words": expected,
    }
    client.post(
        f"/api/v1/credentials/{stacked_id}/visibility", json={"public": True}, headers=stack.headers
    )
    html = page(client, f"/credentials/{stacked_id}")
    assert "Status: Component revoked</h2>" in html
    assert expected.replace("'", "&#39;") in html
    assert "http://testserver/credentials/" + issued[1]["id"] not in html.split('<h2 id="how">')[0]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("this is not a credential", "Not a credential we can read: it is neither JSON nor"),
        ("[1, 2]", "Not a credential we can read: it is JSON, but not a credential"),
    ],
)
def test_garbage_is_said_plainly_never_as_a_parser_message(
    client: TestClient, document: str, expected: str
) -> None:
    report = client.post("/api/v1/verify", json={"jwt": document}).json()
    assert report["standing"]["state"] == "unreadable"
    assert report["standing"]["words"].startswith(expected)
    html = client.post("/verify", data={"document": document}).text
    assert expected in html
    assert "Expecting value" not in html
    assert "line 1 column" not in html


def test_a_changed_credential_says_so(client: TestClient, tenant: Tenant) -> None:
    forged = issue(client, tenant)["credential"] | {"name": "Another name"}
    report = client.post("/api/v1/verify", json={"credential": forged}).json()
    assert report["standing"]["words"] == "Changed after it was issued"


def test_the_wallet_page_offers_the_name_choice_and_says_the_status_in_words(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    issued = issue(client, tenant, public=True)
    signed_in(client, database)
    detail = client.get(f"/wallet/credentials/{issued['id']}")
    assert '<label for="f-show-name">Show my name on the public page</label>' in detail.text
    assert (
        '<label for="f-link-name">Show my name on the page this link opens</label>' in detail.text
    )
    saved = client.post(
        f"/wallet/credentials/{issued['id']}/visibility",
        data={
            "public": "on",
            "name_choice": "1",
            "show_name": "on",
            "csrf_token": csrf_of(detail.text),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert '<strong class="earner">Ana Silva</strong>' in page(
        client, f"/credentials/{issued['id']}"
    )
    client.post(
        f"/api/v1/credentials/{issued['id']}/revoke",
        json={"reason": "x", "public_reason": "issued in error"},
        headers=tenant.headers,
    )
    listed = client.get("/wallet").text
    assert 'data-status="revoked">Revoked</span>' in listed
    assert "Revoked by Creative Skills Lab on " in listed
    assert ": issued in error</span>" in listed


def test_a_suspended_credential_reads_suspended_everywhere(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    issued = issue(client, tenant, public=True)
    suspended = client.post(
        f"/api/v1/credentials/{issued['id']}/suspend",
        json={"reason": "under review"},
        headers=tenant.headers,
    )
    assert suspended.status_code == 200, suspended.text
    words = "Suspended by Creative Skills Lab"
    report = client.post("/api/v1/verify", json={"credential": issued["credential"]}).json()
    assert report["verified"] is False
    assert report["standing"]["words"] == words
    item = wallet_item(client, learner_headers(database), issued["id"])
    assert (item["status"], item["status_words"]) == ("suspended", words)
    assert f'data-standing="suspended">{words}</p>' in page(client, f"/credentials/{issued['id']}")
    client.post(
        f"/api/v1/credentials/{issued['id']}/reinstate",
        json={"reason": "cleared"},
        headers=tenant.headers,
    )
    again = client.post("/api/v1/verify", json={"credential": issued["credential"]}).json()
    assert (again["verified"], again["standing"]["words"]) == (True, "Valid")
