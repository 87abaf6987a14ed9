"""Importing Open Badges 2.0 assertions into the wallet: verified against the issuer's server
(a local HTTP server stands in for it), kept as received with format `ob2`, and counted by
stacking rules that accept external components."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.app import create_app
from credex.core.stacking import component_digest
from credex.db.models import ExternalCredential
from credex.db.session import Database
from credex.settings import Settings
from credex.verification.fetcher import clear_fetch_cache
from credex.wallet.badge_image import generated_png, generated_svg
from tests.api.test_fetcher import LocalServer, Route, local_server
from tests.api.test_issuance_support import count
from tests.api.test_stacking_support import (
    create_rule,
    evaluate,
    issue_component,
    leaf,
    learner_id_of,
    make_stack,
    pathways,
)
from tests.api.test_wallet_support import ANA, learner_headers, two_issuer_wallet
from tests.api.test_wallet_web import csrf_of, signed_in
from tests.core.ob2_factories import (
    GONE,
    Ob2Issuer,
    b64url,
    bake_ob2_png,
    bake_ob2_svg,
    hashed_email,
)

IMPORTS = "/api/v1/wallet/imports"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


@pytest.fixture
def opened(settings: Settings) -> Settings:
    return settings.model_copy(update={"fetch_allow_private": True})


@pytest.fixture
def open_client(opened: Settings, database: Database) -> Iterator[TestClient]:
    """The app allowed to reach the local server (as on a closed test network)."""
    clear_fetch_cache()
    with TestClient(create_app(opened, database), raise_server_exceptions=False) as client:
        yield client
    clear_fetch_cache()


@pytest.fixture
def issuer(server: LocalServer) -> Ob2Issuer:
    return Ob2Issuer(server.url("")).everything()


def serve(server: LocalServer, *issuers: Ob2Issuer) -> None:
    """Publish the issuers' documents as they are now (GONE → 410)."""
    server.routes.clear()
    for each in issuers:
        for url, document in each.documents.items():
            path = url.removeprefix(server.url(""))
            if document is GONE:
                server.routes[path] = Route(status=410, body=b"{}")
            else:
                server.serve(path, document)


def imported(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    files = body.pop("files", None)
    if files is not None:
        return client.post(IMPORTS, files=files, headers=headers)
    return client.post(IMPORTS, json=body, headers=headers)


def details(response: Any) -> list[str]:
    return [error["detail"] for error in response.json()["errors"]]


def image_upload(kind: str, assertion: dict[str, Any]) -> dict[str, Any]:
    if kind == "png":
        data = bake_ob2_png(generated_png("x", "EQF 3", "#000000"), json.dumps(assertion))
    elif kind == "png-url":
        data = bake_ob2_png(generated_png("x", "EQF 3", "#000000"), assertion["id"])
    elif kind == "svg":
        svg = generated_svg("x", "EQF 3", "#000000")
        data = bake_ob2_svg(svg, assertion=assertion, verify=assertion["id"]).encode()
    else:
        data = bake_ob2_svg(generated_svg("x", "EQF 3", "#000000"), verify=assertion["id"]).encode()
    extension = kind.split("-", maxsplit=1)[0]
    return {"file": (f"badge.{extension}", data, f"image/{extension}")}


@pytest.mark.parametrize("form", ["json", "url", "png", "png-url", "svg", "svg-url"])
def test_a_hosted_assertion_is_verified_and_kept_as_ob2(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
    form: str,
) -> None:
    w = two_issuer_wallet(open_client, database, opened)
    assertion = issuer.assertion()
    serve(server, issuer)
    if form == "json":
        response = imported(open_client, w.ana, credential=assertion)
    elif form == "url":
        response = imported(open_client, w.ana, url=assertion["id"])
    else:
        response = imported(open_client, w.ana, files=image_upload(form, assertion))
    assert response.status_code == 201, response.text
    items = response.json()["items"]
    assert len(items) == 2  # kept with Ana's record at each issuer
    first = items[0]
    assert (first["format"], first["verified"]) == ("ob2", True)
    assert first["credential_url"] == assertion["id"]
    assert first["credential_issuer"] == issuer.issuer_id
    assert first["achievement_name"] == "Archive research"
    assert first["awarded_at"].startswith("2026-01-15T10:00:00")
    assert {c["id"]: c["outcome"] for c in first["checks"]}["proof"] == "passed"
    listed = open_client.get(IMPORTS, headers=w.ana).json()["items"]
    assert {(i["id"], i["format"], i["verified"]) for i in listed} == {
        (i["id"], "ob2", True) for i in items
    }
    with database.unit_of_work() as session:
        row = session.scalars(select(ExternalCredential)).first()
        assert row is not None
        assert (row.achievement_key, row.framework_ids, row.competency_codes) == (
            issuer.badge_id,
            ["Heritage skills"],
            ["IL.2"],
        )
        assert json.loads(row.content) == assertion  # the assertion as found (fetched if a URL)


def test_the_wallet_page_and_exports_show_an_ob2_import(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    w = two_issuer_wallet(open_client, database, opened)
    assertion = issuer.assertion()
    serve(server, issuer)
    text = json.dumps(assertion, indent=2)
    upload = {"file": ("assertion.json", text.encode(), "application/json")}
    assert imported(open_client, w.ana, files=upload).status_code == 201
    signed_in(open_client, database)
    page = open_client.get("/wallet").text
    for shown in ("Archive research", "Open Badges 2.0", "Verified"):
        assert shown in page
    account = open_client.get("/api/v1/wallet/account/export", headers=w.ana).json()
    assert {(i["format"], i["credential"]) for i in account["imported_credentials"]} == {
        ("ob2", text)
    }
    archive = zipfile.ZipFile(
        io.BytesIO(open_client.get("/api/v1/wallet/export", headers=w.ana).content)
    )
    (brought,) = json.loads(archive.read("manifest.json"))["imported"]
    path = brought["files"][0]["path"]
    assert path.endswith("/assertion.json")
    assert archive.read(path).decode() == text
    presentation = json.loads(archive.read("presentation.json"))
    assert assertion not in presentation["verifiableCredential"]  # not a VC


def test_the_import_form_accepts_an_ob2_assertion_url(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    two_issuer_wallet(open_client, database, opened)
    assertion = issuer.assertion()
    serve(server, issuer)
    signed_in(open_client, database)
    csrf = csrf_of(open_client.get("/wallet").text)
    added = open_client.post(
        "/wallet/imports",
        data={"csrf_token": csrf, "url": assertion["id"]},
        files={"file": ("", b"", "application/octet-stream")},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    assert "Archive research" in open_client.get("/wallet").text


def test_an_assertion_for_someone_else_is_refused_and_nothing_is_kept(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    w = two_issuer_wallet(open_client, database, opened)
    theirs = issuer.assertion(
        recipient={
            "type": "email",
            "hashed": True,
            "salt": "s",
            "identity": hashed_email("eve@example.org", "s"),
        }
    )
    serve(server, issuer)
    response = imported(open_client, w.ana, credential=theirs)
    assert response.status_code == 422
    assert any(d.startswith("recipient:") for d in details(response))
    assert count(database, ExternalCredential) == 0


def test_a_revoked_hosted_assertion_is_refused(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    w = two_issuer_wallet(open_client, database, opened)
    given = issuer.assertion()
    issuer.publish({"id": given["id"], "revoked": True, "revocationReason": "Awarded in error"})
    serve(server, issuer)
    response = imported(open_client, w.ana, credential=given)
    assert response.status_code == 422
    assert any(
        d.startswith("status: revoked") and "Awarded in error" in d for d in details(response)
    )
    issuer.documents[given["id"]] = GONE
    serve(server, issuer)
    gone = imported(open_client, w.ana, files=image_upload("svg-url", given))
    assert gone.status_code == 422  # the URL itself answers 410: nothing to import
    assert count(database, ExternalCredential) == 0


def test_a_baked_copy_that_differs_from_the_hosted_one_is_refused(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    w = two_issuer_wallet(open_client, database, opened)
    hosted = issuer.assertion(recipient={"type": "email", "hashed": False, "identity": "bob@x.org"})
    baked = hosted | {"recipient": {"type": "email", "hashed": False, "identity": ANA}}
    serve(server, issuer)
    response = imported(open_client, w.ana, files=image_upload("png", baked))
    assert response.status_code == 422
    assert any("differs from the issuer's hosted copy in recipient" in d for d in details(response))
    assert count(database, ExternalCredential) == 0


def test_an_assertion_hosted_outside_the_issuers_origin_is_refused(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    w = two_issuer_wallet(open_client, database, opened)
    serve(server, issuer)
    with local_server() as other:
        impostor = Ob2Issuer(other.url(""), key=issuer.key)
        given = impostor.assertion(badge=issuer.badge_id)  # the real BadgeClass, another origin
        serve(other, impostor)
        response = imported(open_client, w.ana, credential=given)
    assert response.status_code == 422
    assert any(d.startswith("origin:") for d in details(response))
    assert count(database, ExternalCredential) == 0


def test_an_unreachable_issuer_leaves_the_import_unverified(
    client: TestClient,
    database: Database,
    settings: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    """Without the opt-in the fetcher refuses the loopback address: kept, but not verified."""
    w = two_issuer_wallet(client, database, settings)
    assertion = issuer.assertion()
    serve(server, issuer)
    response = imported(client, w.ana, credential=assertion)
    assert response.status_code == 201, response.text
    first = response.json()["items"][0]
    assert (first["format"], first["verified"]) == ("ob2", False)
    assert first["achievement_name"] == issuer.badge_id  # its BadgeClass could not be read
    outcomes = {c["id"]: c["outcome"] for c in first["checks"]}
    assert (outcomes["proof"], outcomes["badge_class"]) == ("error", "error")
    assert server.hits == []


def test_a_signed_assertion_verifies_and_a_tampered_one_does_not(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    w = two_issuer_wallet(open_client, database, opened)
    token = issuer.signed()
    serve(server, issuer)
    header, body, signature = token.split(".")
    claims = json.loads(_b64decode(body)) | {"issuedOn": "2020-01-01T00:00:00+00:00"}
    tampered = f"{header}.{b64url(json.dumps(claims).encode())}.{signature}"
    refused = imported(open_client, w.ana, jwt=tampered)
    assert refused.status_code == 422
    assert any(d.startswith("proof:") for d in details(refused))
    baked = bake_ob2_png(generated_png("x", "EQF 3", "#000000"), token)
    response = imported(open_client, w.ana, files={"file": ("badge.png", baked, "image/png")})
    assert response.status_code == 201, response.text
    first = response.json()["items"][0]
    assert (first["format"], first["verified"]) == ("ob2", True)
    assert {c["id"]: c["outcome"] for c in first["checks"]}["key_binding"] == "passed"
    with database.unit_of_work() as session:
        assert session.scalars(select(ExternalCredential.content)).first() == token


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def test_an_ob2_import_counts_towards_a_stacking_rule(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    """Rules name the BadgeClass id; an assertion first kept unverified (the issuer's server
    was down) is re-checked when the pathway is evaluated, its facts filled in, and counted."""
    stack = make_stack(database, opened)
    requirement = {
        "type": "all_of",
        "of": [leaf(stack.component_ids[0]), leaf(stack.component_ids[1]), leaf(issuer.badge_id)],
    }
    create_rule(open_client, stack, requirement, trusted_issuers=[issuer.issuer_id])
    issued = [issue_component(open_client, stack, i) for i in range(2)]
    learner = learner_id_of(open_client, stack, issued[0]["id"])
    assertion = issuer.assertion()
    serve(server)  # nothing reachable yet
    ana = learner_headers(database, ANA)
    response = imported(open_client, ana, credential=assertion)
    assert response.status_code == 201, response.text
    kept = response.json()["items"][0]
    assert (kept["verified"], kept["credential_issuer"]) == (False, "")
    assert kept["achievement_name"] == issuer.badge_id
    [item] = pathways(open_client, stack, learner)
    assert item["not_counted"][0]["reason"] == "not verified yet"

    serve(server, issuer)
    [award] = evaluate(open_client, stack, learner)["awarded"]  # re-checked, now verified
    listed = award["components"][2]
    assert listed["id"] == assertion["id"]
    text = json.dumps(assertion, ensure_ascii=False, separators=(",", ":"))
    assert listed["digest_multibase"] == component_digest(text)
    detail = open_client.get(f"/api/v1/credentials/{award['credential_id']}", headers=stack.headers)
    related = detail.json()["credential"]["relatedResource"][2]
    assert related == {"id": assertion["id"], "digestMultibase": listed["digest_multibase"]}
    [item] = pathways(open_client, stack, learner)
    assert item["counted"][2]["source"] == "external"
    refreshed = open_client.get(IMPORTS, headers=ana).json()["items"][0]
    assert (refreshed["verified"], refreshed["credential_issuer"]) == (True, issuer.issuer_id)
    assert refreshed["achievement_name"] == "Archive research"


def test_an_issuer_can_add_a_signed_ob2_assertion_for_a_learner(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    stack = make_stack(database, opened)
    learner = learner_id_of(open_client, stack, issue_component(open_client, stack, 0)["id"])
    token = issuer.signed()
    serve(server, issuer)
    url = f"/api/v1/learners/{learner}/external-credentials"
    response = open_client.post(url, json={"jwt": token}, headers=stack.headers)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["verified"] is True
    assert (stored["achievement_key"], stored["credential_issuer"]) == (
        issuer.badge_id,
        issuer.issuer_id,
    )
    assert (stored["ects_credits"], stored["eqf_level"]) == (None, None)
    again = open_client.post(url, json={"jwt": token}, headers=stack.headers)
    assert (again.status_code, again.json()["id"]) == (200, stored["id"])
