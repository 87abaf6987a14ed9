"""The wallet in headless Chromium: magic-link sign-in read from the outbox, list, detail,
share toggles, share links, downloads, pathway progress, and a phone-sized screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from credex.db.models import OutboxMessage
from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.api.test_stacking_support import create_rule, make_stack
from tests.browser import LiveServer
from tests.conftest import make_token
from tests.web_support import COOKIE_NAME, web_session

pytestmark = pytest.mark.browser
ANA = "ana@example.org"


def _issue(server: LiveServer, issuer_id: Any, achievement_id: Any, email: str = ANA) -> str:
    token = make_token(server.database, role="issuer", name="issuer", issuer_id=issuer_id)
    response = httpx.post(
        f"{server.url}/api/v1/credentials",
        json={"achievement_id": str(achievement_id), "learner": {"email": email, "name": "Ana"}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def wallet_server(live_server: LiveServer) -> LiveServer:
    """Ana holds a credential, and one component of a pathway at a second issuer."""
    issuer_id = make_issuer(live_server.database, live_server.settings, "Creative Skills Lab")
    _issue(live_server, issuer_id, make_achievement(live_server.database, issuer_id))
    _issue(live_server, issuer_id, make_achievement(live_server.database, issuer_id), "bob@x.org")
    stack = make_stack(live_server.database, live_server.settings)
    with httpx.Client(base_url=live_server.url) as client:
        create_rule(client, stack)  # type: ignore[arg-type]
    _issue(live_server, stack.issuer_id, stack.component_ids[0])
    return live_server


def _link_from_outbox(server: LiveServer) -> str:
    with server.database.unit_of_work() as session:
        message = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.to_address == ANA, OutboxMessage.kind == "magic_link"
            )
        ).one()  # the live server's job worker also mails "credential issued" notices
        found = re.search(rf"{re.escape(server.url)}/wallet/signin/\S+", message.body)
        assert found, message.body
        return found.group(0)


def test_sign_in_by_magic_link_then_share_and_download(
    wallet_server: LiveServer, page: Any, tmp_path: Path
) -> None:
    server = wallet_server
    page.goto(f"{server.url}/wallet")
    assert page.url == f"{server.url}/wallet/signin"
    page.get_by_label("E-mail address").fill(ANA)
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    page.goto(_link_from_outbox(server))
    page.get_by_role("button", name="Sign in to my wallet").click()
    page.get_by_role("heading", name="My wallet").wait_for()
    assert page.url == f"{server.url}/wallet"
    cards = page.locator(".wallet-credential")
    assert cards.count() == 2
    assert "Creative Skills Lab" in page.locator("main").inner_text()
    pathway = page.locator("#pathways + .cards")
    assert "Digital entrepreneurship" in pathway.inner_text()
    assert "In progress" in pathway.inner_text()
    page.get_by_role("link", name="Digital storytelling for cultural heritage").click()
    page.get_by_role("heading", name="Public page").wait_for()
    assert "The public page is off" in page.locator("main").inner_text()
    page.get_by_role("button", name="Make public").click()
    page.get_by_role("button", name="Make private").wait_for()
    assert page.get_by_role("link", name="Add to LinkedIn profile").count() == 1
    page.get_by_role("button", name="Make private").click()
    page.get_by_role("button", name="Make public").wait_for()
    page.get_by_label("Who is it for?").fill("Acme HR")
    page.get_by_label("Valid for").select_option("7")
    page.get_by_role("button", name="Create share link").click()
    share_url = page.locator("#new-share-link").inner_text()
    assert share_url.startswith(f"{server.url}/share/")
    assert "Acme HR" in page.locator("table").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Certificate (PDF)").click()
    saved = tmp_path / "certificate.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    shared = page.context.new_page()
    shared.goto(share_url)  # the page is private, the link still opens it
    assert "Digital storytelling for cultural heritage" in shared.locator("main").inner_text()
    shared.close()
    page.get_by_role("button", name=re.compile("^Revoke")).click()
    page.locator("table .badge", has_text="revoked").wait_for()
    assert httpx.get(share_url, headers={"Accept": "application/json"}).status_code == 404


def test_the_wallet_fits_a_phone(wallet_server: LiveServer, phone_page: Any) -> None:
    server = wallet_server
    token = web_session(server.database, server.settings, ANA)
    phone_page.context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": server.url}])
    phone_page.goto(f"{server.url}/wallet")
    phone_page.get_by_role("heading", name="My wallet").wait_for()
    for path in ("/wallet", "/wallet/account"):
        phone_page.goto(f"{server.url}{path}")
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    phone_page.goto(f"{server.url}/wallet")
    phone_page.locator(".wallet-credential a").first.click()
    phone_page.get_by_role("heading", name="Download").wait_for()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    button = phone_page.get_by_role("link", name="Badge (PNG)").bounding_box()
    assert button is not None
    assert button["height"] >= 32  # big enough to tap
