""" "Add to a wallet" in headless Chromium on a 360 px phone: keyboard only, no console errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.browser import LiveServer
from tests.conftest import make_token
from tests.web_support import COOKIE_NAME, web_session

pytestmark = pytest.mark.browser


def test_add_to_a_wallet_on_a_small_phone_with_the_keyboard(
    live_server: LiveServer, chromium: Any
) -> None:
    server = live_server
    issuer_id = make_issuer(server.database, server.settings)
    achievement_id = make_achievement(server.database, issuer_id)
    issuer_token = make_token(server.database, role="issuer", name="i", issuer_id=issuer_id)
    response = httpx.post(
        f"{server.url}/api/v1/credentials",
        json={"achievement_id": str(achievement_id), "learner": {"email": "ana@example.org"}},
        headers={"Authorization": f"Bearer {issuer_token}"},
    )
    assert response.status_code == 201, response.text
    credential_id = response.json()["id"]
    context = chromium.new_context(viewport={"width": 360, "height": 800}, is_mobile=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        token = web_session(server.database, server.settings, "ana@example.org")
        context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": server.url}])
        page.goto(f"{server.url}/wallet/credentials/{credential_id}")
        page.get_by_role("heading", name="Add to a wallet").wait_for()
        button = page.get_by_role("button", name="Show a QR code for a wallet app")
        button.focus()
        page.keyboard.press("Enter")
        page.get_by_role(
            "img", name="QR code linking to openid-credential-offer://"
        ).first.wait_for()
        link = page.get_by_role("link", name="open the offer in your wallet app")
        assert link.get_attribute("href").startswith("openid-credential-offer://")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert errors == []
    finally:
        context.close()
