"""Interface languages in headless Chromium: each of the four languages chosen by the browser's
locale (Accept-Language), `<html lang>`, the switch on every page and a translated heading on the
home, verify, frameworks, wallet and console pages; switching by the links is remembered."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from credex.db.models import OutboxMessage
from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.browser import LiveServer
from tests.pages.test_wallet_pages import _issue
from tests.web_support import COOKIE_NAME, staff_session

pytestmark = pytest.mark.browser

LOCALES = {"en": "en-GB", "fr": "fr-FR", "it": "it-IT", "el": "el-GR"}
HEADINGS = {
    "/": {
        "en": "Micro-credentials anyone can check",
        "fr": "Des microcertifications que chacun peut vérifier",
        "it": "Microcredenziali che chiunque può verificare",
        "el": "Μικροδιαπιστευτήρια που μπορεί να ελέγξει ο καθένας",
    },
    "/verify": {
        "en": "Verify a credential",
        "fr": "Vérifier un justificatif",
        "it": "Verifica una credenziale",
        "el": "Επαλήθευση διαπιστευτηρίου",
    },
    "/frameworks": {
        "en": "Competency frameworks",
        "fr": "Référentiels de compétences",
        "it": "Quadri delle competenze",
        "el": "Πλαίσια ικανοτήτων",
    },
    "/wallet/signin": {
        "en": "Sign in to your wallet",
        "fr": "Connectez-vous à votre portefeuille",
        "it": "Accedi al tuo portafoglio",
        "el": "Συνδεθείτε στο πορτοφόλι σας",
    },
}
CONSOLE = {
    "/console": {
        "en": "Dashboard",
        "fr": "Tableau de bord",
        "it": "Cruscotto",
        "el": "Πίνακας ελέγχου",
    },
    "/console/achievements": {
        "en": "Micro-credentials",
        "fr": "Microcertifications",
        "it": "Microcredenziali",
        "el": "Μικροδιαπιστευτήρια",
    },
}
WALLET = {
    "en": "My wallet",
    "fr": "Mon portefeuille",
    "it": "Il mio portafoglio",
    "el": "Το πορτοφόλι μου",
}
SWITCH_NAMES = ["English", "Français", "Italiano", "Ελληνικά"]


def _check_page(page: Any, language: str, heading: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    page.get_by_role("heading", level=1, name=heading).wait_for()
    switch = page.locator("nav.language-switch")
    assert [link.inner_text() for link in switch.get_by_role("link").all()] == SWITCH_NAMES
    current = switch.locator('a[aria-current="true"]')
    assert current.get_attribute("hreflang") == language


def _collect_errors(errors: list[str]) -> Any:
    def collect(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    return collect


def _last_link(server: LiveServer, email: str) -> str:
    with server.database.unit_of_work() as session:
        message = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.created_at.desc())
        ).first()
        assert message is not None
        found = re.search(rf"{re.escape(server.url)}/wallet/signin/\S+", message.body)
        assert found, message.body
        return found.group(0)


def test_every_page_in_each_language_from_the_browser_locale(
    live_server: LiveServer, chromium: Any
) -> None:
    issuer_id = make_issuer(live_server.database, live_server.settings)
    achievement_id = make_achievement(live_server.database, issuer_id)
    for language, locale in LOCALES.items():
        email = f"learner-{language}@example.org"
        _issue(live_server, issuer_id, achievement_id, email)
        context = chromium.new_context(locale=locale)
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("console", _collect_errors(errors))
            for path, headings in HEADINGS.items():
                page.goto(f"{live_server.url}{path}")
                _check_page(page, language, headings[language])
            page.locator("#f-email").fill(email)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/wallet/signin")
            page.goto(_last_link(live_server, email))
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/wallet")
            _check_page(page, language, WALLET[language])
            assert errors == []
        finally:
            context.close()


def test_the_console_in_each_language(live_server: LiveServer, chromium: Any) -> None:
    issuer_id = make_issuer(live_server.database, live_server.settings)
    for language, locale in LOCALES.items():
        secret = staff_session(
            live_server.database,
            live_server.settings,
            f"manager-{language}@example.org",
            issuer_id=issuer_id,
        )
        context = chromium.new_context(locale=locale)
        context.add_cookies([{"name": COOKIE_NAME, "value": secret, "url": live_server.url}])
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("console", _collect_errors(errors))
            for path, headings in CONSOLE.items():
                page.goto(f"{live_server.url}{path}")
                _check_page(page, language, headings[language])
            assert errors == []
        finally:
            context.close()


def test_the_switch_changes_the_language_and_remembers_it(
    live_server: LiveServer, page: Any
) -> None:
    page.goto(f"{live_server.url}/verify")
    _check_page(page, "en", HEADINGS["/verify"]["en"])
    page.locator("nav.language-switch").get_by_role("link", name="Ελληνικά").click()
    page.wait_for_url(f"{live_server.url}/verify")
    _check_page(page, "el", HEADINGS["/verify"]["el"])
    page.goto(f"{live_server.url}/frameworks")  # remembered on the next page
    _check_page(page, "el", HEADINGS["/frameworks"]["el"])
    page.goto(f"{live_server.url}/verify")  # the page's script speaks Greek too
    page.set_input_files(
        "#f-file", files=[{"name": "a.json", "mimeType": "application/json", "buffer": b"{}"}]
    )
    assert page.locator(".dropzone__chosen").inner_text() == "Επιλέχθηκε: a.json"
    page.keyboard.press("Tab")  # the skip link comes first, in Greek
    assert page.evaluate("document.activeElement.textContent") == "Μετάβαση στο κύριο περιεχόμενο"
