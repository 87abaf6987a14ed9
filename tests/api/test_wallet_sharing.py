"""Consent and sharing: the public page is the learner's choice; share links; LinkedIn."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from credex.db.base import utcnow
from credex.db.models import AuditEntry, ShareLink
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import count, issue
from tests.api.test_wallet_support import two_issuer_wallet

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}


def test_the_public_page_is_off_until_the_learner_turns_it_on(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    cid = w.ana_ldp["id"]
    assert client.get(f"/credentials/{cid}", headers=JSON).status_code == 404
    on = client.post(
        f"/api/v1/wallet/credentials/{cid}/visibility", json={"public": True}, headers=w.ana
    )
    assert on.status_code == 200
    assert on.json()["public"] is True
    public = client.get(f"/credentials/{cid}", headers=JSON)
    assert public.status_code == 200
    assert public.json() == w.ana_ldp["credential"]
    off = client.post(
        f"/api/v1/wallet/credentials/{cid}/visibility", json={"public": False}, headers=w.ana
    )
    assert off.json()["public"] is False
    assert client.get(f"/credentials/{cid}", headers=JSON).status_code == 404
    with database.unit_of_work() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.credential_id == uuid.UUID(cid))
        ).all()
        changes = [e for e in entries if e.action == "credential.visibility_changed"]
        assert [e.details["public"] for e in changes] == [True, False]
        assert {e.actor_role for e in changes} == {"learner"}
        assert all("@" not in e.actor for e in changes)  # no address in the issuer's log


def test_the_issuers_policy_can_publish_at_issuance(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    issued = issue(client, w.tenant_a, "ana@example.org", public=True)
    assert client.get(f"/credentials/{issued['id']}", headers=JSON).status_code == 200
    item = client.get(f"/api/v1/wallet/credentials/{issued['id']}", headers=w.ana).json()
    assert item["public"] is True


def test_visibility_needs_a_boolean(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    bad = client.post(
        f"/api/v1/wallet/credentials/{w.ana_ldp['id']}/visibility",
        json={"public": "perhaps"},
        headers=w.ana,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "/public"


def test_a_share_link_opens_a_private_credential_until_revoked(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    base = f"/api/v1/wallet/credentials/{w.ana_jwt['id']}/share-links"
    created = client.post(base, json={"label": "Acme HR", "expires_in_days": 7}, headers=w.ana)
    assert created.status_code == 201, created.text
    link = created.json()
    assert link["label"] == "Acme HR"
    assert link["active"] is True
    assert link["url"].startswith("http://testserver/share/")
    path = urlsplit(link["url"]).path
    shared = client.get(path, headers=JSON)
    assert shared.status_code == 200
    assert shared.text == w.ana_jwt["jwt"]
    assert shared.headers["cache-control"] == "no-store"
    assert shared.headers["referrer-policy"] == "no-referrer"
    page = client.get(path, headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Heritage Academy" in page.text
    assert client.get(f"/credentials/{w.ana_jwt['id']}", headers=JSON).status_code == 404
    listed = client.get(base, headers=w.ana).json()["items"]
    assert [(item["id"], item["open_count"]) for item in listed] == [(link["id"], 2)]
    assert "url" not in listed[0]  # only a hash of the secret is kept
    revoked = client.delete(f"{base}/{link['id']}", headers=w.ana)
    assert revoked.status_code == 204
    gone = client.get(path, headers=JSON)
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"
    gone_page = client.get(path, headers=HTML)
    assert gone_page.status_code == 404
    assert "has expired or was revoked" in gone_page.text
    assert client.get(base, headers=w.ana).json()["items"][0]["active"] is False


def test_share_links_expire(client: TestClient, database: Database, settings: Settings) -> None:
    w = two_issuer_wallet(client, database, settings)
    base = f"/api/v1/wallet/credentials/{w.ana_ldp['id']}/share-links"
    link = client.post(base, json={}, headers=w.ana).json()
    never = client.post(base, json={"expires_in_days": None}, headers=w.ana).json()
    assert never["expires_at"] is None
    with database.unit_of_work() as session:
        session.execute(
            update(ShareLink)
            .where(ShareLink.id == uuid.UUID(link["id"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert client.get(urlsplit(link["url"]).path, headers=JSON).status_code == 404
    assert client.get(urlsplit(never["url"]).path, headers=JSON).status_code == 200
    assert client.delete(base, headers=w.ana).status_code == 204  # revoke all
    assert client.get(urlsplit(never["url"]).path, headers=JSON).status_code == 404


def test_bad_share_link_requests_store_nothing(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    base = f"/api/v1/wallet/credentials/{w.ana_ldp['id']}/share-links"
    for body, pointer in (
        ({"expires_in_days": 0}, "/expires_in_days"),
        ({"expires_in_days": 99999}, "/expires_in_days"),
        ({"label": "x" * 201}, "/label"),
        ({"owner": "me"}, "/owner"),
    ):
        response = client.post(base, json=body, headers=w.ana)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["pointer"] == pointer
    assert count(database, ShareLink) == 0
    assert client.get("/share/not-a-real-token", headers=JSON).status_code == 404
    assert client.get("/share/" + "x" * 300, headers=JSON).status_code == 404


def test_other_people_cannot_see_or_revoke_ones_share_links(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    base = f"/api/v1/wallet/credentials/{w.ana_ldp['id']}/share-links"
    link = client.post(base, json={}, headers=w.ana).json()
    assert client.get(base, headers=w.bob).status_code == 404
    assert client.delete(f"{base}/{link['id']}", headers=w.bob).status_code == 404
    bob_base = f"/api/v1/wallet/credentials/{w.bob_ldp['id']}/share-links/{link['id']}"
    assert client.delete(bob_base, headers=w.bob).status_code == 404  # wrong credential
    with database.unit_of_work() as session:
        live = session.scalar(
            select(func.count()).select_from(ShareLink).where(ShareLink.revoked_at.is_(None))
        )
    assert live == 1


def test_the_linkedin_link_is_prefilled_and_points_at_the_public_page(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    item = client.get(f"/api/v1/wallet/credentials/{w.ana_ldp['id']}", headers=w.ana).json()
    url = urlsplit(item["linkedin_url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    issued = item["valid_from"]
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Digital storytelling for cultural heritage",
        "organizationName": "Creative Skills Lab",
        "issueYear": issued[:4],
        "issueMonth": str(int(issued[5:7])),
        "certUrl": f"http://testserver/credentials/{w.ana_ldp['id']}",
        "certId": w.ana_ldp["id"],
    }
