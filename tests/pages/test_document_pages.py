"""The issuer and achievement pages in headless Chromium: what a browser gets from the same
addresses machines read JSON from, on a phone, by keyboard, with nothing loaded from elsewhere."""

from __future__ import annotations

import itertools
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from credex.achievements.demo import demo_achievement_id, ensure_demo_achievements
from credex.frameworks.demo import ensure_demo_framework
from credex.issuers.service import ensure_demo_issuer
from tests.browser import LiveServer

pytestmark = pytest.mark.browser

STORY = "digital-storytelling-heritage"
HEADING_LEVELS = (
    "Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6'))"
    ".map(h => Number(h.tagName[1]))"
)


@pytest.fixture
def demo_server(live_server: LiveServer) -> LiveServer:
    """The live server with the demo issuer and its four published achievements."""
    with live_server.database.unit_of_work() as session:
        issuer = ensure_demo_issuer(session, live_server.settings)
        ensure_demo_achievements(session, issuer, ensure_demo_framework(session))
    return live_server


def issuer_id(server: LiveServer) -> uuid.UUID:
    with server.database.session() as session:
        issuer = ensure_demo_issuer(session, server.settings)
        return issuer.id


class Watch:
    """Console errors, uncaught exceptions and every request a page makes."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(message.text)

    def assert_clean(self, origin: str) -> None:
        assert self.errors == [], "\n".join(self.requests)
        elsewhere = [url for url in self.requests if not url.startswith((origin, "data:"))]
        assert elsewhere == [], "the page loaded something from another origin"


def no_horizontal_scroll(page: Any) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


def assert_outline(page: Any) -> None:
    levels = page.evaluate(HEADING_LEVELS)
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(after - before <= 1 for before, after in itertools.pairwise(levels)), levels


def tab_until(page: Any, text: str, limit: int = 80) -> list[str]:
    """Press Tab until the focused element's text is `text`; returns every focused text."""
    reached = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        if reached[-1] == text:
            return reached
    raise AssertionError(f"{text!r} never got the focus; reached {reached}")


def test_the_issuer_page_and_an_achievement_on_a_phone(
    demo_server: LiveServer, phone_page: Any
) -> None:
    page = phone_page
    watch = Watch(page)
    url = f"{demo_server.url}/issuers/{issuer_id(demo_server)}"
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == "Materahub Academy"
    assert page.get_by_role("link", name="Verify a credential").get_attribute("href") == "/verify"
    assert page.locator('meta[property="og:url"]').get_attribute("content") == url
    assert_outline(page)
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 844})
        no_horizontal_scroll(page)
    catalogue = page.get_by_role("list", name="Micro-credentials offered")
    assert catalogue.get_by_role("listitem").count() == 4
    catalogue.get_by_role("link", name="Digital storytelling for cultural heritage").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/achievements/{demo_achievement_id(issuer_id(demo_server), STORY)}")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Digital storytelling for cultural heritage"
    )
    facts = page.get_by_role("definition")
    assert "50 hours of learning" in facts.all_inner_texts()
    skills = page.get_by_role("list", name="Skills for outcome 1")
    assert (
        skills.get_by_role("link")
        .first.get_attribute("href")
        .startswith("http://data.europa.eu/esco/skill/")
    )
    assert_outline(page)
    no_horizontal_scroll(page)
    page.get_by_role("link", name="Materahub Academy").first.click()
    page.wait_for_load_state()
    assert page.url == url
    watch.assert_clean(demo_server.url)


def test_keyboard_users_reach_the_catalogue_and_the_json(
    demo_server: LiveServer, page: Any
) -> None:
    watch = Watch(page)
    issuer = issuer_id(demo_server)
    page.goto(f"{demo_server.url}/issuers/{issuer}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    reached = tab_until(page, "Download the Open Badges Profile (JSON-LD)")
    titles = [
        "Crowdfunding and audience development",
        "Digital entrepreneurship in the cultural and creative industries",
        "Digital storytelling for cultural heritage",
        "Intellectual property basics for creatives",
    ]
    assert [text for text in reached if text in titles] == titles  # in reading order
    assert reached.index("DID document (did.json)") > reached.index(titles[-1])
    assert reached.index("Verify a credential") > reached.index("DID document (did.json)")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Shift+Tab")  # back to the catalogue, then follow a link with Enter
    for _ in range(40):
        if page.evaluate("document.activeElement.textContent.trim()") == titles[-1]:
            break
        page.keyboard.press("Shift+Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    slug = "ip-basics-creatives"
    assert page.url.endswith(f"/achievements/{demo_achievement_id(issuer, slug)}")
    watch.assert_clean(demo_server.url)


def test_the_achievement_json_downloads_and_its_table_takes_the_focus(
    demo_server: LiveServer, phone_page: Any
) -> None:
    page = phone_page
    watch = Watch(page)
    achievement_url = (
        f"{demo_server.url}/achievements/{demo_achievement_id(issuer_id(demo_server), STORY)}"
    )
    page.goto(achievement_url)
    region = page.get_by_role("region", name="Alignments")
    for _ in range(80):  # the table scrolls in its own box: keyboard users can focus it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('table-wrap')"):
            break
    else:
        raise AssertionError("the alignments table never got the focus")
    assert region.evaluate("box => box === document.activeElement")
    tab_until(page, "Download the Open Badges Achievement (JSON-LD)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the Open Badges Achievement (JSON-LD)").click()
    saved = download.value
    assert saved.suggested_filename.startswith("achievement-")
    machine = httpx.get(achievement_url, headers={"Accept": "application/ld+json"})
    assert json.loads(Path(saved.path()).read_text()) == machine.json()
    no_horizontal_scroll(page)
    watch.assert_clean(demo_server.url)
