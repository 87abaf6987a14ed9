""" "Share only these fields" in headless Chromium: a 360 px screen, keyboard only, no console
errors, and the download is a credential that verifies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.browser import LiveServer
from tests.conftest import make_token
from tests.web_support import COOKIE_NAME, web_session

pytestmark = pytest.mark.browser
ANA = "ana@example.org"


@pytest.fixture
def narrow_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 360, "height": 780}, accept_downloads=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_learner_shares_only_chosen_fields_with_the_keyboard(
    live_server: LiveServer, narrow_page: Any, tmp_path: Path
) -> None:
    server = live_server
    issuer_id = make_issuer(server.database, server.settings, "Creative Skills Lab")
    achievement_id = make_achievement(server.database, issuer_id)
    token = make_token(server.database, role="issuer", name="issuer", issuer_id=issuer_id)
    issued = httpx.post(
        f"{server.url}/api/v1/credentials",
        json={
            "achievement_id": str(achievement_id),
            "learner": {"email": ANA, "name": "Ana"},
            "cryptosuite": "ecdsa-sd-2023",
            "narrative": "Built a podcast.",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert issued.status_code == 201, issued.text
    credential_id = issued.json()["id"]
    learner = web_session(server.database, server.settings, ANA)
    page = narrow_page
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.context.add_cookies([{"name": COOKIE_NAME, "value": learner, "url": server.url}])
    page.goto(f"{server.url}/wallet/credentials/{credential_id}")
    page.get_by_role("heading", name="Share only these fields").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_by_label("Results and grades").count() == 0  # no result was awarded
    narrative = page.get_by_label("How you earned it (narrative)")
    identifier = page.get_by_label("Your identifier", exact=False)
    assert identifier.is_checked()
    assert identifier.is_disabled()  # always included by the issuer
    narrative.focus()
    page.keyboard.press("Space")
    assert narrative.is_checked()
    page.keyboard.press("Tab")
    button = page.get_by_role("button", name="Download the smaller credential")
    assert button.evaluate("element => element === document.activeElement")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    saved = tmp_path / "disclosed.json"
    download_info.value.save_as(saved)
    derived = json.loads(saved.read_text())
    assert derived["credentialSubject"]["narrative"] == "Built a podcast."
    verified = httpx.post(f"{server.url}/api/v1/verify", json={"credential": derived}).json()
    assert verified["verified"] is True, verified
    assert errors == []
