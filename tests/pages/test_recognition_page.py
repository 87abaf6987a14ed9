"""Applying for recognition of prior learning in headless Chromium: from the public achievement
page to the wallet form, at 360 px, by keyboard, without console errors; the stage shows."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.browser import LiveServer
from tests.conftest import make_token
from tests.web_support import COOKIE_NAME, web_session

pytestmark = pytest.mark.browser
ANA = "ana@example.org"


def test_a_learner_applies_from_the_achievement_page(live_server: LiveServer, page: Any) -> None:
    server = live_server
    issuer_id = make_issuer(server.database, server.settings, "Creative Skills Lab")
    achievement_id = make_achievement(server.database, issuer_id)
    learner = web_session(server.database, server.settings, ANA)
    page.set_viewport_size({"width": 360, "height": 800})
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.context.add_cookies([{"name": COOKIE_NAME, "value": learner, "url": server.url}])
    page.goto(f"{server.url}/achievements/{achievement_id}")
    page.get_by_role("link", name="Apply to have prior learning recognised").click()
    page.get_by_role("heading", name="Apply for", exact=False).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Your experience, in a few sentences").fill("Museum guide for five years")
    outcome = page.get_by_label("Learning outcome 1", exact=False)
    outcome.focus()
    page.keyboard.type("I planned the museum podcast series")
    page.get_by_label("A link to your work", exact=False).fill("https://museum.example/podcast")
    submit = page.get_by_role("button", name="Submit for assessment")
    submit.focus()
    page.keyboard.press("Enter")
    page.get_by_text("Submitted: being assessed").wait_for()
    token = make_token(server.database, role="issuer", name="assessor", issuer_id=issuer_id)
    queue = httpx.get(
        f"{server.url}/api/v1/recognition/applications",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert queue["items"][0]["outcomes"] == [
        {"outcome_id": "1", "text": "I planned the museum podcast series"}
    ]
    assert errors == []
