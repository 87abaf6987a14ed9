"""The wallet API: one person's credentials across issuers, live status, downloads, isolation."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from credex.core.baking import unbake
from credex.db.base import utcnow
from credex.db.models import Credential
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, issue
from tests.api.test_stacking_support import create_rule, make_stack
from tests.api.test_wallet_support import (
    ANA,
    learner_headers,
    random_id,
    two_issuer_wallet,
    wallet_ids,
)


def test_a_learner_sees_every_issuers_credentials_for_their_address(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    response = client.get("/api/v1/wallet/credentials", headers=w.ana)
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    items = {item["id"]: item for item in body["items"]}
    assert set(items) == w.ana_ids
    ldp, jwt = items[w.ana_ldp["id"]], items[w.ana_jwt["id"]]
    assert ldp["issuer"]["name"] == "Creative Skills Lab"
    assert ldp["issuer"]["did"] == f"did:web:testserver:issuers:{w.tenant_a.issuer_id}"
    assert jwt["issuer"]["name"] == "Heritage Academy"
    assert (ldp["format"], jwt["format"]) == ("ldp", "jwt")
    assert ldp["achievement"]["name"] == "Digital storytelling for cultural heritage"
    assert (
        ldp["achievement"]["url"] == f"http://testserver/achievements/{w.tenant_a.achievement_id}"
    )
    assert (ldp["eqf_level"], ldp["ects"], ldp["workload_hours"]) == (4, 2.0, 50.0)
    assert ldp["status"] == "active"
    assert ldp["public"] is False
    assert ldp["learner_name"] == "Ana Silva"
    assert ldp["url"] == f"http://testserver/credentials/{w.ana_ldp['id']}"
    assert ldp["valid_from"]
    assert ldp["issued_at"]
    assert ldp["valid_until"] is None
    base = f"/api/v1/wallet/credentials/{w.ana_ldp['id']}/files"
    assert ldp["downloads"] == {k: f"{base}/{k}" for k in ("json", "png", "svg", "pdf")}
    assert set(jwt["downloads"]) == {"jwt", "png", "svg", "pdf"}
    assert wallet_ids(client, w.bob) == {w.bob_ldp["id"]}


def test_the_address_of_the_token_is_matched_case_insensitively(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    assert wallet_ids(client, learner_headers(database, " ANA@example.org")) == w.ana_ids
    assert wallet_ids(client, learner_headers(database, "nobody@example.org")) == set()


def test_status_is_live_revoked_and_expired(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    revoked = client.post(
        f"/api/v1/credentials/{w.ana_ldp['id']}/revoke",
        json={"reason": "issued in error"},
        headers=w.tenant_a.headers,
    )
    assert revoked.status_code == 200, revoked.text
    with database.unit_of_work() as session:
        session.execute(
            update(Credential)
            .where(Credential.id == uuid.UUID(w.ana_jwt["id"]))
            .values(valid_until=utcnow() - timedelta(days=1))
        )
    items = client.get("/api/v1/wallet/credentials", headers=w.ana).json()["items"]
    states = {item["id"]: (item["status"], item["revoked_at"]) for item in items}
    assert states[w.ana_ldp["id"]][0] == "revoked"
    assert states[w.ana_ldp["id"]][1] is not None
    assert states[w.ana_jwt["id"]] == ("expired", None)


def test_pages_of_the_list_follow_the_cursor(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    first = client.get("/api/v1/wallet/credentials?limit=1", headers=w.ana).json()
    assert len(first["items"]) == 1
    assert first["next"]
    second = client.get(
        f"/api/v1/wallet/credentials?limit=1&cursor={first['next']}", headers=w.ana
    ).json()
    assert second["next"] is None
    assert {first["items"][0]["id"], second["items"][0]["id"]} == w.ana_ids


def test_one_credential_and_its_files(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    one = client.get(f"/api/v1/wallet/credentials/{w.ana_ldp['id']}", headers=w.ana)
    assert one.status_code == 200
    base = f"/api/v1/wallet/credentials/{w.ana_ldp['id']}/files"
    document = client.get(f"{base}/json", headers=w.ana)
    assert document.status_code == 200
    assert document.headers["content-type"] == "application/vc+ld+json"
    assert "attachment" in document.headers["content-disposition"]
    assert json.loads(document.content) == w.ana_ldp["credential"]
    with database.unit_of_work() as session:
        stored = session.get(Credential, uuid.UUID(w.ana_ldp["id"]))
        assert stored is not None
        assert document.content == stored.content.encode()  # byte for byte as signed
    png = client.get(f"{base}/png", headers=w.ana)
    assert png.headers["content-type"] == "image/png"
    assert unbake(png.content).value == w.ana_ldp["credential"]
    svg = client.get(f"{base}/svg", headers=w.ana)
    assert svg.headers["content-type"] == "image/svg+xml"
    assert unbake(svg.content).value == w.ana_ldp["credential"]
    pdf = client.get(f"{base}/pdf", headers=w.ana)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    jwt_base = f"/api/v1/wallet/credentials/{w.ana_jwt['id']}/files"
    token = client.get(f"{jwt_base}/jwt", headers=w.ana)
    assert token.text == w.ana_jwt["jwt"]
    assert unbake(client.get(f"{jwt_base}/png", headers=w.ana).content).value == w.ana_jwt["jwt"]
    wrong = client.get(f"{base}/jwt", headers=w.ana)
    assert wrong.status_code == 404
    assert wrong.json()["detail"] == "this credential was issued as json; download `json`"
    unknown = client.get(f"{base}/docx", headers=w.ana)
    assert unknown.status_code == 422


def test_who_may_call_the_wallet(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    none = client.get("/api/v1/wallet/credentials")
    assert none.status_code == 401
    assert none.headers["content-type"] == "application/problem+json"
    issuer = client.get("/api/v1/wallet/credentials", headers=w.tenant_a.headers)
    assert issuer.status_code == 403
    admin_token = learner_headers(database, ANA)  # a learner token is all it takes
    assert client.get("/api/v1/wallet/credentials", headers=admin_token).status_code == 200


def _requests(credential_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    base = f"/api/v1/wallet/credentials/{credential_id}"
    return [
        ("GET", base, None),
        *[("GET", f"{base}/files/{kind}", None) for kind in ("json", "png", "svg", "pdf")],
        ("POST", f"{base}/visibility", {"public": True}),
        ("POST", f"{base}/share-links", {}),
        ("GET", f"{base}/share-links", None),
        ("DELETE", f"{base}/share-links", None),
        ("DELETE", f"{base}/share-links/{random_id()}", None),
    ]


def test_another_persons_credential_is_not_found_on_every_route(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    for method, path, body in [*_requests(w.bob_ldp["id"]), *_requests(random_id())]:
        response = client.request(method, path, json=body, headers=w.ana)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    with database.unit_of_work() as session:
        bob = session.get(Credential, uuid.UUID(w.bob_ldp["id"]))
        assert bob is not None
        assert bob.public is False  # nothing changed
    listed = client.get(f"/api/v1/wallet/credentials/{w.bob_ldp['id']}/share-links", headers=w.bob)
    assert listed.json()["items"] == []


def test_pathway_progress_spans_the_issuers_that_know_the_learner(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    create_rule(client, stack)
    issue(client, Tenant(stack.issuer_id, stack.component_ids[0], stack.headers), ANA)
    ana = learner_headers(database, ANA)
    response = client.get("/api/v1/wallet/pathways", headers=ana)
    assert response.status_code == 200, response.text
    (pathway,) = response.json()["items"]
    assert pathway["target_name"] == "Digital entrepreneurship"
    assert pathway["satisfied"] is False
    assert [c["achievement_name"] for c in pathway["counted"]] == ["Storytelling"]
    nobody = client.get("/api/v1/wallet/pathways", headers=learner_headers(database, "x@y.org"))
    assert nobody.json()["items"] == []
