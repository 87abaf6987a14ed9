"""Framework pages: sign-in, CSRF, admin forms calling the API's services, the public browser.

The first part drives the pages over HTTP (fast); the `browser` tests drive headless Chromium
against a live server: a real sign-in, keyboard navigation and a phone-sized viewport.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.auth.tokens import create_token
from credex.db.models import Competency, Framework
from credex.db.session import Database
from credex.frameworks.demo import ensure_demo_framework
from credex.settings import Settings
from tests.api.test_issuance_support import make_issuer
from tests.browser import LiveServer
from tests.web_support import COOKIE_NAME, staff_session, web_session

ESCO = "http://data.europa.eu/esco/skill/0a3b4f8e-5d2c-4a63-9c55-0f3d2b7a1e11"


def sign_in(client: TestClient, database: Database) -> str:
    """Sign in as an admin (a staff session); returns the page's CSRF token."""
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    client.cookies.set(
        COOKIE_NAME, staff_session(database, settings, "admin@example.org", admin=True)
    )
    page = client.get("/admin/frameworks")
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page.text)
    assert found, page.text
    return found.group(1)


def count(database: Database, model: type[Any]) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def create(client: TestClient, csrf: str, **fields: str) -> str:
    data = {"csrf_token": csrf, "title": "Heritage skills", "default_language": "en"}
    data |= {"version": "1.0"} | fields
    response = client.post("/admin/frameworks/new", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[3].split("?")[0]


def add(client: TestClient, csrf: str, framework_id: str, code: str, **fields: str) -> None:
    data = {"csrf_token": csrf, "code": code, "title": f"Title {code}"} | fields
    response = client.post(
        f"/admin/frameworks/{framework_id}/competencies/new", data=data, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def competency_ids(database: Database, framework_id: str) -> dict[str, str]:
    with database.session() as session:
        rows = session.scalars(
            select(Competency).where(Competency.framework_id == uuid.UUID(framework_id))
        ).all()
        return {row.code: str(row.id) for row in rows}


def test_admin_pages_redirect_to_sign_in(client: TestClient) -> None:
    for path in ("/admin", "/admin/frameworks?q=x", "/admin/frameworks/new", "/admin/login"):
        response = client.get(path, follow_redirects=True)
        assert response.url.path == "/signin", path
    direct = client.get("/admin/frameworks?q=x", follow_redirects=False)
    assert direct.headers["location"] == "/signin?next=/admin/frameworks%3Fq%3Dx"
    posted = client.post("/admin/frameworks/new", data={"title": "x"}, follow_redirects=False)
    assert posted.status_code == 303
    assert posted.headers["location"].startswith("/signin")


def test_non_admin_staff_gets_a_403_page(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    secret = staff_session(database, settings, "m@example.org", issuer_id=issuer_id)
    client.cookies.set(COOKIE_NAME, secret)
    response = client.get("/admin/frameworks")
    assert response.status_code == 403
    assert "administrators only" in response.text
    client.cookies.set(COOKIE_NAME, web_session(database, settings, "l@example.org"))
    learner = client.get("/admin/frameworks", follow_redirects=False)
    assert learner.status_code == 303  # a wallet session is no staff sign-in


def test_forms_need_the_csrf_token(client: TestClient, database: Database) -> None:
    csrf = sign_in(client, database)
    data = {"title": "x", "default_language": "en", "version": "1"}
    for token in ("", "0" * 64):
        response = client.post("/admin/frameworks/new", data=data | {"csrf_token": token})
        assert response.status_code == 403
        assert "could not be verified" in response.text
    assert count(database, Framework) == 0
    assert client.post("/signout", data={}).status_code == 403
    out = client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert f'{COOKIE_NAME}=""' in out.headers["set-cookie"]
    assert client.get("/admin/frameworks", follow_redirects=False).status_code == 303


def test_create_form_shows_errors_by_field_and_keeps_input(
    client: TestClient, database: Database
) -> None:
    csrf = sign_in(client, database)
    response = client.post(
        "/admin/frameworks/new",
        data={
            "csrf_token": csrf,
            "title": "Kept <b>title</b>",
            "default_language": "english",
            "version": "",
            "source_url": "not a url",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'id="f-default_language" name="default_language"' in html
    assert re.search(r'id="f-default_language"[^>]*aria-invalid="true"', html)
    assert re.search(r'id="f-source_url"[^>]*aria-invalid="true"', html)
    assert re.search(r'id="f-version"[^>]*aria-invalid="true"', html)
    assert "is not a BCP 47 language tag" in html
    assert 'value="Kept &lt;b&gt;title&lt;/b&gt;"' in html
    assert count(database, Framework) == 0


def test_admin_builds_a_tree_edits_and_publishes(client: TestClient, database: Database) -> None:
    csrf = sign_in(client, database)
    fid = create(client, csrf, publisher="CREDEX")
    add(client, csrf, fid, "A", esco_uri=ESCO, eqf_level="5", skill_type="knowledge")
    ids = competency_ids(database, fid)
    add(client, csrf, fid, "A.1", parent=ids["A"])
    ids = competency_ids(database, fid)
    edit_page = client.get(f"/admin/frameworks/{fid}/competencies/{ids['A']}/edit")
    assert f'value="{ids["A.1"]}"' not in edit_page.text  # no child as its own parent
    bad = client.post(
        f"/admin/frameworks/{fid}/competencies/new",
        data={"csrf_token": csrf, "code": "A", "title": "dup", "esco_uri": "https://x"},
    )
    assert bad.status_code == 422
    assert "use skill_uri otherwise" in bad.text
    duplicate = client.post(
        f"/admin/frameworks/{fid}/competencies/new",
        data={"csrf_token": csrf, "code": "A", "title": "dup"},
    )
    assert duplicate.status_code == 409
    assert "already used" in duplicate.text
    saved = client.post(
        f"/admin/frameworks/{fid}/competencies/{ids['A.1']}/edit",
        data={"csrf_token": csrf, "code": "A.1", "title": "Renamed", "parent": ids["A"]},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    edited = client.post(
        f"/admin/frameworks/{fid}/edit",
        data={"csrf_token": csrf, "title": "Heritage", "default_language": "en", "version": "2"},
        follow_redirects=True,
    )
    assert "Your changes were saved." in edited.text
    assert "Renamed" in edited.text
    published = client.post(
        f"/admin/frameworks/{fid}/publish", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert "Published:" in published.text
    assert client.get(f"/admin/frameworks/{fid}/edit").status_code == 409
    with database.session() as session:
        row = session.get(Framework, uuid.UUID(fid))
        assert row is not None
        assert (row.status, row.version, row.publisher) == (
            "published",
            "2",
            None,
        )


def test_publishing_an_empty_framework_explains_why(client: TestClient, database: Database) -> None:
    csrf = sign_in(client, database)
    fid = create(client, csrf)
    response = client.post(f"/admin/frameworks/{fid}/publish", data={"csrf_token": csrf})
    assert response.status_code == 422
    assert "add at least one competency" in response.text


def test_delete_competency_asks_before_cascading(client: TestClient, database: Database) -> None:
    csrf = sign_in(client, database)
    fid = create(client, csrf)
    add(client, csrf, fid, "A")
    add(client, csrf, fid, "B", parent=competency_ids(database, fid)["A"])
    a = competency_ids(database, fid)["A"]
    confirm = client.get(f"/admin/frameworks/{fid}/competencies/{a}/delete")
    assert "Also delete its 1 sub-competency" in confirm.text
    path = f"/admin/frameworks/{fid}/competencies/{a}/delete"
    refused = client.post(path, data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert count(database, Competency) == 2
    done = client.post(path, data={"csrf_token": csrf, "cascade": "true"}, follow_redirects=False)
    assert done.status_code == 303
    assert count(database, Competency) == 0


def test_retire_new_version_and_delete_draft(client: TestClient, database: Database) -> None:
    csrf = sign_in(client, database)
    fid = create(client, csrf, version="1.4")
    add(client, csrf, fid, "A")
    client.post(f"/admin/frameworks/{fid}/publish", data={"csrf_token": csrf})
    retired = client.post(
        f"/admin/frameworks/{fid}/retire", data={"csrf_token": csrf}, follow_redirects=True
    )
    assert "Retired:" in retired.text
    versioned = client.post(
        f"/admin/frameworks/{fid}/versions", data={"csrf_token": csrf}, follow_redirects=False
    )
    new_id = versioned.headers["location"].split("/")[3].split("?")[0]
    assert "Version</dt><dd>1.5" in client.get(f"/admin/frameworks/{new_id}").text
    again = client.post(f"/admin/frameworks/{fid}/versions", data={"csrf_token": csrf})
    assert again.status_code == 409
    assert "already exists" in again.text
    deleted = client.post(
        f"/admin/frameworks/{new_id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert deleted.headers["location"] == "/admin/frameworks?done=deleted"
    assert count(database, Framework) == 1


def test_csv_import_page_lists_errors_per_row(client: TestClient, database: Database) -> None:
    csrf = sign_in(client, database)
    bad_csv = b"code,parent_code,title,eqf_level\nA,,Alpha,5\nB,ZZ,Beta,11\n"
    form = {"csrf_token": csrf, "title": "Imported", "default_language": "en", "version": "1"}
    response = client.post(
        "/admin/frameworks/import", data=form, files={"file": ("f.csv", bad_csv, "text/csv")}
    )
    assert response.status_code == 422
    rows = re.findall(r"<tr><td>(\d+)</td><td>([a-z_]+)</td>", response.text)
    assert rows == [("3", "eqf_level"), ("3", "parent_code")]
    assert count(database, Framework) == 0
    good = client.post(
        "/admin/frameworks/import",
        data=form,
        files={"file": ("f.csv", b"code,parent_code,title\nA,,Alpha\nB,A,Beta\n", "text/csv")},
        follow_redirects=True,
    )
    assert "imported as a new draft" in good.text
    assert count(database, Competency) == 2
    new_id = good.url.path.split("/")[3]
    csv_download = client.get(f"/admin/frameworks/{new_id}/export?format=csv")
    assert csv_download.text.startswith("code,parent_code,title")
    assert "attachment" in csv_download.headers["content-disposition"]
    json_download = client.get(f"/admin/frameworks/{new_id}/export?format=json")
    assert [c["code"] for c in json_download.json()["competencies"]] == ["A", "B"]
    missing = client.post("/admin/frameworks/import", data=form)
    assert missing.status_code == 422
    assert "choose a file" in missing.text


def test_public_browser_shows_only_published_frameworks(
    client: TestClient, database: Database
) -> None:
    csrf = sign_in(client, database)
    draft = create(client, csrf, title="Secret draft")
    public = create(client, csrf, title="Open <script>alert(1)</script>")
    add(client, csrf, public, "A", esco_uri=ESCO, eqf_level="6", title="Storytelling")
    client.post(f"/admin/frameworks/{public}/publish", data={"csrf_token": csrf})
    client.cookies.clear()
    listing = client.get("/frameworks")
    assert listing.status_code == 200
    assert "Secret draft" not in listing.text
    assert "Open &lt;script&gt;alert(1)&lt;/script&gt;" in listing.text
    assert "<script>" not in listing.text
    assert client.get(f"/frameworks/{draft}").status_code == 404
    assert client.get("/frameworks/not-a-uuid").status_code == 404
    page = client.get(f"/frameworks/{public}")
    assert f'href="{ESCO}"' in page.text
    assert "level 6" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    a = competency_ids(database, public)["A"]
    competency = client.get(f"/frameworks/{public}/competencies/{a}")
    assert competency.status_code == 200
    assert "Storytelling" in competency.text
    assert client.get(f"/frameworks/{draft}/competencies/{a}").status_code == 404
    assert "text/css" in client.get("/static/credex.css").headers["content-type"]


def test_public_page_switches_language_and_marks_retired(
    client: TestClient, database: Database
) -> None:
    with database.unit_of_work() as session:
        token = create_token(session, role="admin", name="api").token
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "title": {"en": "Crafts", "it": "Mestieri"},
        "default_language": "en",
        "competencies": [{"code": "W", "title": {"en": "Weaving", "it": "Tessitura"}}],
    }
    fid = client.post("/api/v1/frameworks/import", json=body, headers=headers).json()["id"]
    client.post(f"/api/v1/frameworks/{fid}/publish", headers=headers)
    italian = client.get(f"/frameworks/{fid}?lang=IT").text
    assert '<div lang="it">' in italian
    assert "Tessitura" in italian
    assert "Mestieri" in italian
    assert "Weaving" in client.get(f"/frameworks/{fid}?lang=xx").text
    client.post(f"/api/v1/frameworks/{fid}/retire", headers=headers)
    assert "This version is retired" in client.get(f"/frameworks/{fid}").text
    assert fid not in client.get("/frameworks").text


# --- in a real browser -------------------------------------------------------------------------


def _sign_in_admin(server: LiveServer, page: Any) -> None:
    secret = staff_session(server.database, server.settings, "admin@example.org", admin=True)
    page.context.add_cookies([{"name": COOKIE_NAME, "value": secret, "url": server.url}])


@pytest.mark.browser
def test_admin_builds_and_publishes_a_framework_in_the_browser(
    live_server: LiveServer, page: Any
) -> None:
    base = live_server.url
    page.goto(f"{base}/admin/frameworks/new")
    assert page.url.startswith(f"{base}/signin")
    _sign_in_admin(live_server, page)
    page.goto(f"{base}/admin/frameworks/new")
    page.get_by_label("Title").fill("Museum education")
    page.get_by_label("Publisher").fill("CREDEX")
    page.get_by_role("button", name="Create framework").click()
    page.wait_for_url("**?done=created")
    page.get_by_role("link", name="Add a competency").first.click()
    page.get_by_label("Code").fill("ME1")
    page.get_by_label("Title (en)").fill("Design a guided tour")
    page.get_by_label("ESCO skill URI").fill(ESCO)
    page.get_by_label("EQF level").select_option("5")
    page.get_by_role("button", name="Add competency").click()
    page.wait_for_url("**?done=competency-added")
    page.get_by_role("link", name="Add a sub-competency to ME1").click()
    page.get_by_label("Code").fill("ME1.1")
    page.get_by_label("Title (en)").fill("Adapt a tour for children")
    assert page.get_by_label("Parent competency").input_value() != ""
    page.get_by_role("button", name="Add competency").click()
    page.wait_for_url("**?done=competency-added")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**?done=published")
    page.get_by_role("link", name="View the public page").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Museum education"
    child = page.locator(".tree .tree .tree__item").first
    assert "Adapt a tour for children" in child.inner_text()
    assert page.get_by_role("link", name="ESCO skill for ME1").get_attribute("href") == ESCO
    page.goto(f"{base}/frameworks")
    assert page.get_by_role("link", name="Museum education").is_visible()


@pytest.mark.browser
def test_keyboard_reaches_the_form_fields_in_order(live_server: LiveServer, page: Any) -> None:
    base = live_server.url
    _sign_in_admin(live_server, page)
    page.goto(f"{base}/admin/frameworks/new")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        element_id = page.evaluate("document.activeElement.id")
        if element_id:
            reached.append(element_id)
        if element_id == "f-license":
            break
    expected = ["f-title", "f-description", "f-default_language", "f-version", "f-publisher"]
    assert [r for r in reached if r in expected] == expected
    assert reached[-1] == "f-license"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


@pytest.mark.browser
def test_phone_viewport_has_no_horizontal_scroll(live_server: LiveServer, phone_page: Any) -> None:
    with live_server.database.unit_of_work() as session:
        framework_id = ensure_demo_framework(session).id
    page = phone_page
    _sign_in_admin(live_server, page)
    paths = (
        "/frameworks",
        f"/frameworks/{framework_id}",
        "/admin/frameworks",
        f"/admin/frameworks/{framework_id}",
        "/admin/frameworks/new",
        "/admin/frameworks/import",
        "/",
        "/signin",
        "/admin",
        "/admin/issuers/new",
        "/admin/audit",
    )
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 800})
        for path in paths:
            page.goto(live_server.url + path)
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1] == width, (path, widths)
