"""Reading issued credentials: the issuer's list and detail, and the public credential URL."""

from __future__ import annotations

import importlib.util
import json
import uuid

import pytest
from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from credex.web.negotiation import prefers_html
from tests.api.test_issuance_support import issue, make_achievement, make_tenant

URL = "/api/v1/credentials"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_list_filters_and_paginates(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    second_achievement = make_achievement(database, tenant.issuer_id)
    ana = issue(client, tenant, "ana@example.org")
    issue(client, tenant, "ana@example.org", achievement_id=str(second_achievement), format="jwt")
    bo = issue(client, tenant, "bo@example.org")
    revoke = client.post(f"{URL}/{bo['id']}/revoke", json={"reason": "x"}, headers=tenant.headers)
    assert revoke.status_code == 200
    everything = client.get(URL, headers=tenant.headers).json()
    assert len(everything["items"]) == 3
    assert everything["items"][0]["id"] == bo["id"]  # newest first
    assert "credential" not in everything["items"][0]  # metadata only in lists
    learner_id = client.get(f"{URL}/{ana['id']}", headers=tenant.headers).json()["learner_id"]

    def ids(**params: str) -> set[str]:
        page = client.get(URL, params=params, headers=tenant.headers).json()
        return {item["id"] for item in page["items"]}

    assert len(ids(learner_id=learner_id)) == 2
    assert len(ids(achievement_id=str(second_achievement))) == 1
    assert ids(status="revoked") == {bo["id"]}
    assert len(ids(status="active")) == 2
    assert len(ids(format="jwt")) == 1
    assert client.get(URL, params={"status": "lost"}, headers=tenant.headers).status_code == 422
    first = client.get(URL, params={"limit": 2}, headers=tenant.headers).json()
    rest = client.get(URL, params={"limit": 2, "cursor": first["next"]}, headers=tenant.headers)
    assert len(first["items"]) == 2
    assert len(rest.json()["items"]) == 1
    assert rest.json()["next"] is None


def test_detail_has_metadata_and_the_credential_as_issued(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, public=True)
    detail = client.get(f"{URL}/{issued['id']}", headers=tenant.headers).json()
    assert detail["credential"] == issued["credential"]
    assert detail["status"] == "active"
    assert detail["public"] is True
    assert detail["url"] == issued["credential"]["id"]
    entry = issued["credential"]["credentialStatus"]
    assert detail["status_list_credential"] == entry["statusListCredential"]
    assert detail["status_list_index"] == int(entry["statusListIndex"])
    jwt_issued = issue(client, tenant, format="jwt")
    jwt_detail = client.get(f"{URL}/{jwt_issued['id']}", headers=tenant.headers).json()
    assert jwt_detail["jwt"] == jwt_issued["jwt"]
    assert "credential" not in jwt_detail


def test_public_url_serves_public_credentials_only(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    private = issue(client, tenant)
    public = issue(client, tenant, public=True)
    public_jwt = issue(client, tenant, format="jwt", public=True)
    assert client.get(f"/credentials/{private['id']}").status_code == 404
    assert client.get(f"/credentials/{uuid.uuid4()}").status_code == 404
    response = client.get(f"/credentials/{public['id']}", headers={"Accept": "*/*"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc+ld+json"
    assert json.loads(response.content) == public["credential"]
    jws = client.get(f"/credentials/{public_jwt['id']}", headers={"Accept": "application/json"})
    assert jws.headers["content-type"].startswith("text/plain")
    assert jws.text == public_jwt["jwt"]


def test_visibility_can_be_toggled_by_the_issuer(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant)
    url = f"{URL}/{issued['id']}/visibility"
    shown = client.post(url, json={"public": True}, headers=tenant.headers)
    assert shown.status_code == 200
    assert shown.json()["public"] is True
    assert client.get(f"/credentials/{issued['id']}").status_code == 200
    assert (
        client.post(url, json={"public": False}, headers=tenant.headers).json()["public"] is False
    )
    assert client.get(f"/credentials/{issued['id']}").status_code == 404
    assert client.post(url, json={"public": "maybe"}, headers=tenant.headers).status_code == 422


def test_browsers_get_the_html_page_or_406(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    public = issue(client, tenant, public=True)
    response = client.get(f"/credentials/{public['id']}", headers={"Accept": BROWSER_ACCEPT})
    if importlib.util.find_spec("credex.web.credential_page") is None:
        assert response.status_code == 406
        assert response.headers["content-type"] == "application/problem+json"
    else:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER_ACCEPT, True),
        ("text/html", True),
        ("*/*", False),
        ("", False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0.9, application/vc+ld+json", False),
        ("text/html, application/json", False),  # a tie goes to JSON
        ("text/html;q=bogus", False),
    ],
)
def test_accept_negotiation(accept: str, html: bool) -> None:
    assert prefers_html(accept) is html
