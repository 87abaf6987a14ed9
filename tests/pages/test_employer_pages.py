"""The employer's journey in headless Chromium, on a phone (390 px) and with the keyboard: ask a
wallet (the test wallet answers) and read the report; the credential page with and without the
learner's consent to show their name; a private credential's address; each plain message."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from credex.db.models import Credential, OutboxMessage
from tests.api.test_issuance_support import Tenant, make_tenant
from tests.api.test_stacking_support import (
    create_rule,
    evaluate,
    issue_component,
    learner_id_of,
    make_stack,
)
from tests.api.test_wallet_support import learner_headers
from tests.browser import LiveServer
from tests.oid4vp_wallet import TestWallet
from tests.pages.test_document_pages import Watch, assert_outline, no_horizontal_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def tenant(live_server: LiveServer) -> Tenant:
    return make_tenant(live_server.database, live_server.settings)


def issue(server: LiveServer, tenant: Tenant, **body: Any) -> dict[str, Any]:
    request = {
        "achievement_id": str(tenant.achievement_id),
        "learner": {"email": "ana@example.org", "name": "Ana Silva"},
    } | body
    response = httpx.post(
        f"{server.url}/api/v1/credentials", json=request, headers=tenant.headers, timeout=30
    )
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


def test_an_employer_asks_a_wallet_and_reads_the_report_keyboard_only(
    live_server: LiveServer, tenant: Tenant, phone_page: Any
) -> None:
    page = phone_page
    watch = Watch(page)
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        wallet = TestWallet(http)  # type: ignore[arg-type]  # httpx.Client speaks the same calls
        credential = issue(
            live_server,
            tenant,
            learner={"email": "ana@example.org", "name": "Ana Silva", "did": wallet.did},
        )["credential"]
        page.goto(f"{live_server.url}/verify")
        no_horizontal_scroll(page)
        page.keyboard.press("Tab")  # skip link
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "p-any":
                break
        page.keyboard.press("ArrowDown")  # radio buttons: arrows choose within the group
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.id") == "p-achievement"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "f-achievement"
        page.keyboard.type(f"{live_server.url}/achievements/{tenant.achievement_id}")
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Create the request":
                break
        page.keyboard.press("Enter")
        page.wait_for_url("**/verify/ask/*")
        assert "Asking for: A given achievement." in page.locator(".lead").inner_text()
        qr = page.get_by_role(
            "img", name="QR code for a wallet app: scan it with the learner's wallet"
        )
        assert qr.is_visible()
        link = page.get_by_role("link", name="Open the wallet on this device").get_attribute("href")
        assert link is not None
        assert link.startswith("openid4vp://?client_id=")
        no_horizontal_scroll(page)
        request = wallet.open(link)
        token = {request.query_id("ldp_vc"): [wallet.ldp_vp(credential, request)]}
        assert wallet.respond(request, token).status_code == 200
        page.wait_for_selector(".verdict__title", timeout=15_000)  # the page polled and reloaded
    assert page.locator(".verdict__title").first.inner_text().endswith("Verified")
    assert "presented by the person it was issued to" in page.locator(".checks").first.inner_text()
    disclosed = page.locator(".disclosed").first.inner_text()
    assert f"/achievements/{tenant.achievement_id}" in disclosed
    with page.expect_download() as download:
        page.get_by_role("link", name="Save this report (JSON)").click()
    saved = json.loads(Path(download.value.path()).read_text())
    assert saved["verified"] is True
    no_horizontal_scroll(page)
    assert_outline(page)
    watch.assert_clean(live_server.url)


def test_the_credential_page_with_and_without_the_name(
    live_server: LiveServer, tenant: Tenant, phone_page: Any
) -> None:
    issued = issue(live_server, tenant, public=True, result={"value": "Merit"})
    page = phone_page
    watch = Watch(page)
    url = f"{live_server.url}/credentials/{issued['id']}"
    page.goto(url)
    assert page.locator(".standing__title").inner_text().endswith("Status: Valid")
    assert "The learner chose not to show their name here." in page.locator(".lead").inner_text()
    assert re.match(r"Issued by \w", page.locator(".lead").inner_text())  # not "Issued byX"
    assert page.get_by_text("Ana Silva").count() == 0
    assert page.get_by_role(
        "img", name="Badge of Digital storytelling for cultural heritage"
    ).is_visible()
    assert page.get_by_role("link", name="Add to LinkedIn profile").is_visible()
    assert page.get_by_role("link", name="About the issuer").is_visible()
    no_horizontal_scroll(page)
    assert_outline(page)
    with live_server.database.unit_of_work() as session:
        row = session.get(Credential, uuid.UUID(issued["id"]))
        assert row is not None
        row.show_name = True
    page.goto(url)
    assert page.locator(".earner").inner_text() == "Ana Silva"
    assert re.match(r"Awarded to Ana Silva by \w", page.locator(".lead").inner_text())
    assert page.locator(".grade").inner_text() == "Merit"
    no_horizontal_scroll(page)
    # Keyboard: the address field and the download are reachable.
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        )
        if reached[-1] == "Download the credential (JSON)":
            break
    assert "page-address" in reached
    assert reached[-1] == "Download the credential (JSON)"
    watch.assert_clean(live_server.url)


def test_a_private_credential_in_a_browser(
    live_server: LiveServer, tenant: Tenant, phone_page: Any
) -> None:
    issued = issue(live_server, tenant)
    page = phone_page
    response = page.goto(f"{live_server.url}/credentials/{issued['id']}")
    assert response is not None
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "This credential is private"
    assert page.get_by_label("Credential file or badge image").is_visible()
    no_horizontal_scroll(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to main content
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-file":
            break
    assert page.evaluate("document.activeElement.id") == "f-file"


def test_each_plain_language_message(
    live_server: LiveServer, tenant: Tenant, phone_page: Any
) -> None:
    page = phone_page
    revoked = issue(live_server, tenant, public=True)
    httpx.post(
        f"{live_server.url}/api/v1/credentials/{revoked['id']}/revoke",
        json={"reason": "internal note", "public_reason": "assessment annulled"},
        headers=tenant.headers,
        timeout=30,
    )
    page.goto(f"{live_server.url}/credentials/{revoked['id']}")
    words = page.locator(".standing__words").inner_text()
    assert words.startswith("Revoked by Creative Skills Lab on ")
    assert words.endswith(": assessment annulled")
    assert "internal note" not in page.content()
    no_horizontal_scroll(page)

    changed = issue(live_server, tenant)["credential"] | {"name": "Forged"}
    page.goto(f"{live_server.url}/verify")
    page.get_by_label("Paste the credential (JSON or VC-JWT) or its web address").fill(
        json.dumps(changed)
    )
    page.get_by_role("button", name="Verify").click()
    assert "Changed after it was issued" in page.locator(".verdict__sentence").first.inner_text()

    page.get_by_label("Paste the credential (JSON or VC-JWT) or its web address").fill("garbage")
    page.get_by_role("button", name="Verify").click()
    sentence = page.locator(".verdict__sentence").first.inner_text()
    assert "Not a credential we can read: it is neither JSON nor a signed token" in sentence
    assert "Expecting value" not in page.content()
    no_horizontal_scroll(page)


def test_a_revoked_component_reads_the_same_on_the_page_and_in_the_wallet_api(
    live_server: LiveServer, phone_page: Any
) -> None:
    stack = make_stack(live_server.database, live_server.settings)
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        client: Any = http  # the stacking helpers take any client with post/get
        issued = [issue_component(client, stack, i) for i in range(3)]
        create_rule(client, stack)
        learner = learner_id_of(client, stack, issued[0]["id"])
        [award] = evaluate(client, stack, learner)["awarded"]
        http.post(
            f"/api/v1/credentials/{issued[2]['id']}/revoke",
            json={"reason": "plagiarism"},
            headers=stack.headers,
        )
        http.post(
            f"/api/v1/credentials/{award['credential_id']}/visibility",
            json={"public": True},
            headers=stack.headers,
        )
        wallet = http.get(
            f"/api/v1/wallet/credentials/{award['credential_id']}",
            headers=learner_headers(live_server.database),
        ).json()
    page = phone_page
    page.goto(f"{live_server.url}/credentials/{award['credential_id']}")
    assert page.locator(".standing__words").inner_text() == "Component 'IP basics' was revoked"
    assert wallet["status_words"] == "Component 'IP basics' was revoked"
    assert "http" not in page.locator(".verdict__sentence").first.inner_text()
    no_horizontal_scroll(page)


def test_the_verify_page_has_one_drop_zone_and_a_camera_scanner(
    live_server: LiveServer, page: Any
) -> None:
    watch = Watch(page)
    page.goto(f"{live_server.url}/verify")
    zone = page.locator("[data-dropzone]")
    assert (
        zone.get_by_label("Paste the credential (JSON or VC-JWT) or its web address").count() == 1
    )
    assert zone.get_by_label("Or choose a file").count() == 1
    scanner = page.get_by_role("button", name="Scan a QR code with the camera")
    fallback = page.locator(".scan__status")
    # Where the browser has BarcodeDetector the button shows; elsewhere a plain message does.
    assert scanner.is_visible() or "cannot read QR codes here" in fallback.inner_text()
    # A dropped link lands in the box, and the box takes an address: it is fetched and checked.
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.setData('text/plain', location.origin + '/credentials/unknown');
            document.querySelector('[data-dropzone]').dispatchEvent(
                new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
        }"""
    )
    box = page.get_by_label("Paste the credential (JSON or VC-JWT) or its web address")
    assert box.input_value() == f"{live_server.url}/credentials/unknown"
    page.get_by_role("button", name="Verify", exact=True).click()
    sentence = page.locator(".verdict__sentence").first.inner_text()
    assert "Not a credential we can read: the credential could not be retrieved" in sentence
    assert "/credentials/unknown" not in sentence  # never the raw address
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 800})
        no_horizontal_scroll(page)
    watch.assert_clean(live_server.url)


def test_the_learner_consents_to_show_their_name_with_the_keyboard(
    live_server: LiveServer, tenant: Tenant, phone_page: Any
) -> None:
    issued = issue(live_server, tenant, public=True)
    page = phone_page
    page.goto(f"{live_server.url}/wallet")
    page.get_by_label("E-mail address").fill("ana@example.org")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    with live_server.database.unit_of_work() as session:
        body = session.scalars(select(OutboxMessage)).one().body
    link = re.search(rf"{re.escape(live_server.url)}/wallet/signin/\S+", body)
    assert link
    page.goto(link.group(0))
    page.get_by_role("button", name="Sign in to my wallet").click()
    page.get_by_role("heading", name="My wallet").wait_for()
    page.goto(f"{live_server.url}/wallet/credentials/{issued['id']}")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-show-name":
            break
    assert page.evaluate("document.activeElement.id") == "f-show-name"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save name choice"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_label("Show my name on the public page").is_checked()
    no_horizontal_scroll(page)
    page.goto(f"{live_server.url}/credentials/{issued['id']}")
    assert page.locator(".earner").inner_text() == "Ana Silva"
