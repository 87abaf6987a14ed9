"""Interface languages over HTTP: Accept-Language, the remembered switch, <html lang>, dates.

The browser tests (`test_interface_languages_browser.py`) drive the same through Chromium.
"""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from credex import i18n

HEADINGS = {
    "en": "Verify a credential",
    "fr": "Vérifier un justificatif",
    "it": "Verifica una credenziale",
    "el": "Επαλήθευση διαπιστευτηρίου",
}


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_accept_language_picks_the_interface_language(client: TestClient, language: str) -> None:
    response = client.get("/verify", headers={"Accept-Language": f"{language}-XX,en;q=0.5"})
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert f"<h1>{HEADINGS[language]}</h1>" in response.text
    assert response.headers["content-language"] == language


def test_unsupported_languages_fall_back_by_rank_then_to_english(client: TestClient) -> None:
    ranked = client.get("/verify", headers={"Accept-Language": "de, it;q=0.8, fr;q=0.9"})
    assert '<html lang="fr">' in ranked.text
    nothing = client.get("/verify", headers={"Accept-Language": "de, ja"})
    assert '<html lang="en">' in nothing.text


def test_the_switch_is_on_every_page_and_remembered(client: TestClient) -> None:
    page = client.get("/frameworks?q=x", headers={"Accept-Language": "en"})
    assert 'aria-labelledby="language-switch-label"' in page.text
    assert 'href="/language/el?next=/frameworks%3Fq%3Dx" hreflang="el" lang="el"' in page.text
    switched = client.get("/language/el?next=/frameworks%3Fq%3Dx", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/frameworks?q=x"
    assert "credex_lang=el" in switched.headers["set-cookie"]
    # The cookie now wins over the browser's Accept-Language.
    again = client.get("/verify", headers={"Accept-Language": "fr"})
    assert '<html lang="el">' in again.text
    assert HEADINGS["el"] in again.text
    assert 'lang="el" aria-current="true">Ελληνικά</a>' in again.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_the_switch_only_goes_back_to_this_site(client: TestClient, target: str) -> None:
    response = client.get("/language/fr", params={"next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_an_unknown_language_is_a_translated_404_page(client: TestClient) -> None:
    response = client.get("/language/de", headers={"Accept-Language": "it"})
    assert response.status_code == 404
    assert "<h1>Non trovato</h1>" in response.text
    assert "Non c&#39;è nulla a questo indirizzo." in response.text or (
        "Non c'è nulla a questo indirizzo." in response.text
    )


def test_dates_and_numbers_follow_the_language() -> None:
    day = date(2026, 12, 8)
    assert i18n.format_day(day, "en") == "December 8, 2026"
    assert i18n.format_day(day, "fr") == "8 décembre 2026"
    assert i18n.format_day(day, "it") == "8 dicembre 2026"
    assert i18n.format_day(day, "el") == "8 Δεκεμβρίου 2026"
    assert i18n.format_number("2.5", "en") == "2.5"
    assert i18n.format_number("2.5", "fr") == "2,5"
    assert i18n.format_number("1234.5", "el") == "1.234,5"
    assert i18n.language_display_name("it", "fr") == "italien"


def test_plurals_follow_each_language() -> None:
    one = "This competency has %(count)s sub-competency."
    many = "This competency has %(count)s sub-competencies."
    assert i18n.ngettext("fr", one, many, 1) == "Cette compétence a %(count)s sous-compétence."
    assert i18n.ngettext("fr", one, many, 3) == "Cette compétence a %(count)s sous-compétences."
    assert i18n.ngettext("el", one, many, 2) == "Αυτή η ικανότητα έχει %(count)s υπο-ικανότητες."


def test_a_verification_report_reads_in_the_interface_language(client: TestClient) -> None:
    response = client.post(
        "/verify",
        data={"document": '{"type": ["VerifiableCredential"]}'},
        files={"file": ("", b"", "application/octet-stream")},
        headers={"Accept-Language": "it"},
    )
    assert '<html lang="it">' in response.text
    assert "Non verificata</h2>" in response.text
    assert "Formato della credenziale" in response.text
