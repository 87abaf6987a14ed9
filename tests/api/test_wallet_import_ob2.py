"""Importing Open Badges 2.0 assertions into the wallet: verified against the issuer's server
(a local HTTP server stands in for it), kept as received with format `ob2`, and counted by
stacking rules that accept external components."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.app import create_app
from credex.db.models import ExternalCredential
from credex.db.session import Database
from credex.settings import Settings
from credex.verification.fetcher import clear_fetch_cache
from credex.wallet.badge_image import generated_png, generated_svg
from tests.api.test_fetcher import LocalServer, Route, local_server
from tests.api.test_issuance_support import count
from tests.api.test_stacking_support import (
    assert_award_lists_external,
    issue_component,
    learner_id_of,
    make_stack,
    pathways,
    stack_accepting_external,
)
from tests.api.test_wallet_support import ANA, Wallets, learner_headers, two_issuer_wallet
from tests.api.test_wallet_web import csrf_of, signed_in
from tests.core.ob2_factories import (
    GONE,
    Ob2Issuer,
    bake_ob2_png,
    bake_ob2_svg,
    hashed_email,
    with_claims,
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


@dataclass
class Site:
    """The app, its database and the local server playing the OB 2.0 issuer's site."""

    client: TestClient
    database: Database
    settings: Settings
    server: LocalServer
    issuer: Ob2Issuer

    def publish(self) -> None:
        serve(self.server, self.issuer)

    def wallet(self) -> Wallets:
        return two_issuer_wallet(self.client, self.database, self.settings)

    def imported(self, headers: dict[str, str], **body: Any) -> Any:
        files = body.pop("files", None)
        if files is not None:
            return self.client.post(IMPORTS, files=files, headers=headers)
        return self.client.post(IMPORTS, json=body, headers=headers)

    def assert_refused(self, response: Any, matches: Callable[[str], bool]) -> None:
        """422 with an error detail that `matches`, and nothing kept."""
        assert response.status_code == 422
        assert any(matches(d) for d in details(response)), details(response)
        assert count(self.database, ExternalCredential) == 0


@pytest.fixture
def site(
    open_client: TestClient,
    database: Database,
    opened: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> Site:
    """The app may reach the issuer's site (loopback opened)."""
    return Site(open_client, database, opened, server, issuer)


def details(response: Any) -> list[str]:
    return [error["detail"] for error in response.json()["errors"]]


def first_kept(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    first: dict[str, Any] = response.json()["items"][0]
    return first


def outcomes(item: dict[str, Any]) -> dict[str, str]:
    return {check["id"]: check["outcome"] for check in item["checks"]}


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
def test_a_hosted_assertion_is_verified_and_kept_as_ob2(site: Site, form: str) -> None:
    w = site.wallet()
    assertion = site.issuer.assertion()
    site.publish()
    if form == "json":
        response = site.imported(w.ana, credential=assertion)
    elif form == "url":
        response = site.imported(w.ana, url=assertion["id"])
    else:
        response = site.imported(w.ana, files=image_upload(form, assertion))
    first = first_kept(response)
    items = response.json()["items"]
    assert len(items) == 2  # kept with Ana's record at each issuer
    assert (first["format"], first["verified"]) == ("ob2", True)
    assert first["credential_url"] == assertion["id"]
    assert first["credential_issuer"] == site.issuer.issuer_id
    assert first["achievement_name"] == "Archive research"
    assert first["awarded_at"].startswith("2026-01-15T10:00:00")
    assert outcomes(first)["proof"] == "passed"
    listed = site.client.get(IMPORTS, headers=w.ana).json()["items"]
    assert {(i["id"], i["format"], i["verified"]) for i in listed} == {
        (i["id"], "ob2", True) for i in items
    }
    with site.database.unit_of_work() as session:
        row = session.scalars(select(ExternalCredential)).first()
        assert row is not None
        assert (row.achievement_key, row.framework_ids, row.competency_codes) == (
            site.issuer.badge_id,
            ["Heritage skills"],
            ["IL.2"],
        )
        assert json.loads(row.content) == assertion  # the assertion as found (fetched if a URL)


def test_the_wallet_page_and_exports_show_an_ob2_import(site: Site) -> None:
    w = site.wallet()
    assertion = site.issuer.assertion()
    site.publish()
    client = site.client
    text = json.dumps(assertion, indent=2)
    upload = {"file": ("assertion.json", text.encode(), "application/json")}
    assert site.imported(w.ana, files=upload).status_code == 201
    signed_in(client, site.database)
    page = client.get("/wallet").text
    for shown in ("Archive research", "Open Badges 2.0", "Verified"):
        assert shown in page
    account = client.get("/api/v1/wallet/account/export", headers=w.ana).json()
    assert {(i["format"], i["credential"]) for i in account["imported_credentials"]} == {
        ("ob2", text)
    }
    archive = zipfile.ZipFile(
        io.BytesIO(client.get("/api/v1/wallet/export", headers=w.ana).content)
    )
    (brought,) = json.loads(archive.read("manifest.json"))["imported"]
    path = brought["files"][0]["path"]
    assert path.endswith("/assertion.json")
    assert archive.read(path).decode() == text
    presentation = json.loads(archive.read("presentation.json"))
    assert assertion not in presentation["verifiableCredential"]  # not a VC


def test_the_import_form_accepts_an_ob2_assertion_url(site: Site) -> None:
    site.wallet()
    assertion = site.issuer.assertion()
    site.publish()
    signed_in(site.client, site.database)
    csrf = csrf_of(site.client.get("/wallet").text)
    added = site.client.post(
        "/wallet/imports",
        data={"csrf_token": csrf, "url": assertion["id"]},
        files={"file": ("", b"", "application/octet-stream")},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    assert "Archive research" in site.client.get("/wallet").text


def test_an_assertion_for_someone_else_is_refused_and_nothing_is_kept(site: Site) -> None:
    w = site.wallet()
    eve = hashed_email("eve@example.org", "s")
    theirs = site.issuer.assertion(
        recipient={"type": "email", "hashed": True, "salt": "s", "identity": eve}
    )
    site.publish()
    response = site.imported(w.ana, credential=theirs)
    site.assert_refused(response, lambda d: d.startswith("recipient:"))


def test_a_revoked_hosted_assertion_is_refused(site: Site) -> None:
    w = site.wallet()
    given = site.issuer.assertion()
    site.issuer.publish(
        {"id": given["id"], "revoked": True, "revocationReason": "Awarded in error"}
    )
    site.publish()
    response = site.imported(w.ana, credential=given)
    site.assert_refused(response, revoked_in_error)
    site.issuer.documents[given["id"]] = GONE
    site.publish()
    gone = site.imported(w.ana, files=image_upload("svg-url", given))
    assert gone.status_code == 422  # the URL itself answers 410: nothing to import
    assert count(site.database, ExternalCredential) == 0


def revoked_in_error(detail: str) -> bool:
    return detail.startswith("status: revoked") and "Awarded in error" in detail


def test_a_baked_copy_that_differs_from_the_hosted_one_is_refused(site: Site) -> None:
    w = site.wallet()
    hosted = site.issuer.assertion(
        recipient={"type": "email", "hashed": False, "identity": "bob@x.org"}
    )
    baked = hosted | {"recipient": {"type": "email", "hashed": False, "identity": ANA}}
    site.publish()
    response = site.imported(w.ana, files=image_upload("png", baked))
    site.assert_refused(
        response, lambda d: "differs from the issuer's hosted copy in recipient" in d
    )


def test_an_assertion_hosted_outside_the_issuers_origin_is_refused(site: Site) -> None:
    w = site.wallet()
    site.publish()
    with local_server() as other:
        impostor = Ob2Issuer(other.url(""), key=site.issuer.key)
        given = impostor.assertion(badge=site.issuer.badge_id)  # the real BadgeClass, elsewhere
        serve(other, impostor)
        response = site.imported(w.ana, credential=given)
    site.assert_refused(response, lambda d: d.startswith("origin:"))


def test_an_unreachable_issuer_leaves_the_import_unverified(
    client: TestClient,
    database: Database,
    settings: Settings,
    server: LocalServer,
    issuer: Ob2Issuer,
) -> None:
    """Without the opt-in the fetcher refuses the loopback address: kept, but not verified."""
    closed = Site(client, database, settings, server, issuer)
    w = closed.wallet()
    assertion = issuer.assertion()
    closed.publish()
    first = first_kept(closed.imported(w.ana, credential=assertion))
    assert (first["format"], first["verified"]) == ("ob2", False)
    assert first["achievement_name"] == issuer.badge_id  # its BadgeClass could not be read
    assert (outcomes(first)["proof"], outcomes(first)["badge_class"]) == ("error", "error")
    assert server.hits == []


def test_a_signed_assertion_verifies_and_a_tampered_one_does_not(site: Site) -> None:
    w = site.wallet()
    token = site.issuer.signed()
    site.publish()
    tampered = with_claims(token, issuedOn="2020-01-01T00:00:00+00:00")
    site.assert_refused(site.imported(w.ana, jwt=tampered), lambda d: d.startswith("proof:"))
    baked = bake_ob2_png(generated_png("x", "EQF 3", "#000000"), token)
    upload = {"file": ("badge.png", baked, "image/png")}
    first = first_kept(site.imported(w.ana, files=upload))
    assert (first["format"], first["verified"]) == ("ob2", True)
    assert outcomes(first)["key_binding"] == "passed"
    with site.database.unit_of_work() as session:
        assert session.scalars(select(ExternalCredential.content)).first() == token


def test_an_ob2_import_counts_towards_a_stacking_rule(site: Site) -> None:
    """Rules name the BadgeClass id; an assertion first kept unverified (the issuer's server
    was down) is re-checked when the pathway is evaluated, its facts filled in, and counted."""
    issuer = site.issuer
    stack, learner = stack_accepting_external(
        site.client, site.database, site.settings, issuer.badge_id, [issuer.issuer_id]
    )
    assertion = issuer.assertion()
    serve(site.server)  # nothing reachable yet
    ana = learner_headers(site.database, ANA)
    kept = first_kept(site.imported(ana, credential=assertion))
    assert (kept["verified"], kept["credential_issuer"]) == (False, "")
    assert kept["achievement_name"] == issuer.badge_id
    [item] = pathways(site.client, stack, learner)
    assert item["not_counted"][0]["reason"] == "not verified yet"

    site.publish()
    listed = assert_award_lists_external(site.client, stack, learner, assertion)  # re-checked
    assert listed["id"] == assertion["id"]
    [item] = pathways(site.client, stack, learner)
    assert item["counted"][2]["source"] == "external"
    refreshed = site.client.get(IMPORTS, headers=ana).json()["items"][0]
    assert (refreshed["verified"], refreshed["credential_issuer"]) == (True, issuer.issuer_id)
    assert refreshed["achievement_name"] == "Archive research"


def test_an_issuer_can_add_a_signed_ob2_assertion_for_a_learner(site: Site) -> None:
    stack = make_stack(site.database, site.settings)
    issued = issue_component(site.client, stack, 0)
    learner = learner_id_of(site.client, stack, issued["id"])
    token = site.issuer.signed()
    site.publish()
    url = f"/api/v1/learners/{learner}/external-credentials"
    response = site.client.post(url, json={"jwt": token}, headers=stack.headers)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert stored["verified"] is True
    assert (stored["achievement_key"], stored["credential_issuer"]) == (
        site.issuer.badge_id,
        site.issuer.issuer_id,
    )
    assert (stored["ects_credits"], stored["eqf_level"]) == (None, None)
    again = site.client.post(url, json={"jwt": token}, headers=stack.headers)
    assert (again.status_code, again.json()["id"]) == (200, stored["id"])
