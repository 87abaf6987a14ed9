"""`/issuers/{id}` and `/achievements/{id}`: JSON-LD for machines, exactly as before, and a page
for browsers (the same `Accept` rule as `/credentials/{id}`), with only public facts on it."""

from __future__ import annotations

import base64
import itertools
import json
import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from credex.achievements.demo import demo_achievement_id, ensure_demo_achievements
from credex.achievements.public import achievement_document
from credex.db.models import Achievement, Issuer
from credex.db.session import Database
from credex.frameworks.demo import ensure_demo_framework
from credex.issuers.public import public_profile_document
from credex.issuers.service import DEMO_ISSUER_ID, ensure_demo_issuer
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, auth, issue, make_achievement, make_issuer
from tests.conftest import TEST_BASE_URL, make_token

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
MACHINE_ACCEPTS = [None, "application/json", "application/ld+json", "*/*", "text/html;q=0.5, */*"]
STORY = "digital-storytelling-heritage"
PARENT = "digital-entrepreneurship-cci"
TINY_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def demo(database: Database, settings: Settings) -> uuid.UUID:
    """The demo issuer with its four published achievements (no credentials: fast)."""
    with database.unit_of_work() as session:
        issuer = ensure_demo_issuer(session, settings)
        ensure_demo_achievements(session, issuer, ensure_demo_framework(session))
        return issuer.id


def headers_for(accept: str | None) -> dict[str, str]:
    return {} if accept is None else {"Accept": accept}


def story_id() -> uuid.UUID:
    return demo_achievement_id(DEMO_ISSUER_ID, STORY)


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def headings(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main_of(html))]


def assert_outline(html: str) -> None:
    """One h1, and no level skipped on the way down."""
    levels = headings(html)
    assert levels[0] == 1
    assert levels.count(1) == 1
    assert all(after - before <= 1 for before, after in itertools.pairwise(levels))


def page_of(response: httpx.Response) -> str:
    """A document page's HTML, after the checks every page answer passes."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["vary"] == "Accept"
    return response.text


def machine_json(client: TestClient, path: str, accept: str | None) -> httpx.Response:
    """The JSON-LD answer machines get: cacheable for a while, keyed on `Accept`."""
    response = client.get(path, headers=headers_for(accept))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["vary"] == "Accept"
    return response


def not_found_page(client: TestClient, path: str, *, detail: str, page_says: str) -> str:
    """Both 404s of a document address: problem+json for machines, a page for browsers."""
    machine = client.get(path)
    assert machine.status_code == 404
    assert machine.headers["content-type"] == "application/problem+json"
    assert machine.json()["detail"] == detail
    assert machine.headers["vary"] == "Accept"
    page = client.get(path, headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert page_says in page.text
    assert page.headers["vary"] == "Accept"
    return page.text


def assert_shows(html: str, *fragments: str) -> None:
    """Every fragment is on the page; a failure names the ones that are not."""
    assert [fragment for fragment in fragments if fragment not in html] == []


def downloaded_json(html: str) -> Any:
    found = re.search(r'href="data:application/ld\+json;base64,([A-Za-z0-9+/=]+)"', html)
    assert found, "no JSON download on the page"
    return json.loads(base64.b64decode(found.group(1)))


# --- issuers -----------------------------------------------------------------------------------


def test_browsers_get_the_issuer_page_with_its_public_facts(
    client: TestClient, database: Database, settings: Settings, demo: uuid.UUID
) -> None:
    draft = make_achievement(database, demo, status="draft", name={"en": "Unannounced course"})
    retired = make_achievement(database, demo, status="retired", name={"en": "Old course"})
    tenant = Tenant(
        demo, story_id(), auth(make_token(database, role="issuer", name="t", issuer_id=demo))
    )
    issue(client, tenant, "hidden.learner@example.org", public=True)
    response = client.get(f"/issuers/{demo}", headers=BROWSER)
    html = page_of(response)
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert_shows(
        html,
        "<h1>Materahub Academy</h1>",
        "Training provider for the cultural and creative industries",
        '<a href="https://academy.materahub.example" rel="noopener">',
        '<a href="mailto:academy@materahub.example">',
        "Via Casalnuovo 15<br>75100 Matera<br>Basilicata<br>Italy",
        "<dt>Legal identifier</dt><dd><code>IT01234567890</code></dd>",
        "internal quality assurance aligned with ESG",
        "ESG 2015",  # the accreditation note
        f'<code class="uri">did:web:testserver:issuers:{demo}</code>',
        f'href="{TEST_BASE_URL}/issuers/{demo}/did.json"',
        '<a href="/verify">Verify a credential</a>',
    )
    # the logo lives on the issuer's site: linked, never loaded by the page
    assert "<img" not in html
    assert_shows(
        html,
        'href="https://academy.materahub.example/static/logo.png"',
        "Logo of Materahub Academy",
    )
    # the catalogue: each published achievement with its EQF level and ECTS, by title
    for slug in (STORY, PARENT):
        assert f'<a href="/achievements/{demo_achievement_id(demo, slug)}">' in html
    cards = re.findall(r'<h3 class="card__title"><a href="[^"]+">([^<]+)</a></h3>', html)
    assert cards == sorted(cards, key=str.casefold)
    assert len(cards) == 4
    assert_shows(html, "EQF</abbr> level 5", "1.5 <abbr")
    for hidden in ("Unannounced course", str(draft), "Old course", str(retired)):
        assert hidden not in html
    assert "hidden.learner@example.org" not in html
    assert "Ana Silva" not in html
    assert_outline(html)
    assert_shows(
        html,
        f'<meta property="og:url" content="{TEST_BASE_URL}/issuers/{demo}">',
        '<meta property="og:title" content="Materahub Academy">',
        '<meta property="og:image" content="https://academy.materahub.example/static/logo.png">',
    )
    with database.session() as session:
        issuer = session.get(Issuer, demo)
        assert issuer is not None
        assert downloaded_json(html) == public_profile_document(issuer, settings.base_url)


@pytest.mark.parametrize("accept", MACHINE_ACCEPTS)
def test_machines_still_get_the_profile_json(
    client: TestClient, database: Database, settings: Settings, demo: uuid.UUID, accept: str | None
) -> None:
    response = machine_json(client, f"/issuers/{demo}", accept)
    with database.session() as session:
        issuer = session.get(Issuer, demo)
        assert issuer is not None
        assert response.json() == public_profile_document(issuer, settings.base_url)


def test_an_unknown_issuer_is_a_404_in_the_form_asked_for(client: TestClient) -> None:
    not_found_page(
        client,
        f"/issuers/{uuid.uuid4()}",
        detail="no issuer with this id",
        page_says="There is no issuer at this address.",
    )


def test_an_issuer_with_nothing_published_says_so(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings, "Quiet Academy")
    make_achievement(database, issuer_id, status="draft")
    html = client.get(f"/issuers/{issuer_id}", headers=BROWSER).text
    assert "No micro-credentials are published yet." in html
    assert "has not published a general quality assurance statement" in html
    assert "Email" not in html  # none in the profile, none on the page
    assert_outline(html)


def test_only_web_addresses_become_links_and_text_is_escaped(
    client: TestClient, database: Database
) -> None:
    with database.unit_of_work() as session:
        issuer = Issuer(
            name="<script>alert(1)</script> Academy",
            url="javascript:alert(1)",
            country="FR",
            quality_assurance={"type": "ISO 21001", "body": None, "url": "javascript:alert(2)"},
        )
        session.add(issuer)
        session.flush()
        issuer_id = issuer.id
    html = client.get(f"/issuers/{issuer_id}", headers=BROWSER).text
    assert "javascript:" not in html
    assert "<script>" not in html
    assert "<h1>&lt;script&gt;alert(1)&lt;/script&gt; Academy</h1>" in html
    assert "<address>France</address>" in html


# --- achievements ------------------------------------------------------------------------------


def test_browsers_get_the_achievement_page_with_every_eu_element(
    client: TestClient, database: Database, settings: Settings, demo: uuid.UUID
) -> None:
    html = page_of(client.get(f"/achievements/{story_id()}", headers=BROWSER))
    assert_shows(
        html,
        '<h1 lang="en">Digital storytelling for cultural heritage</h1>',
        "Plan and produce short digital stories",
        f'Micro-credential by <a href="/issuers/{demo}">Materahub Academy</a>',
        '<a href="http://data.europa.eu/snb/eqf/4" rel="noopener">Level 4</a>',
        "<dt>ECTS credits</dt><dd>2</dd>",
        "<dt>Workload</dt><dd>50 hours of learning</dd>",
        "<dt>Participation</dt><dd>Online</dd>",
        "Not supervised; the learner&#39;s identity is not checked",
        "Portfolio: a short digital story about a heritage item",
        "The learner has demonstrated these learning outcomes:",  # default criteria
        "Letter grade. Grades: Pass, Merit, Distinction. At least Pass is needed.",
        "Internal quality assurance aligned with EQAVET, with external review",
        "CREDEX project quality board (demo)",
        "None; basic digital literacy is recommended.",
        "<dt>Validity</dt><dd>No end date: credentials do not expire</dd>",
        "<dt>Content language</dt><dd>English</dd>",
        "<dt>Version</dt><dd>1.0</dd>",
        "Published: currently awarded",
        "Part of the CREDEX demo catalogue.",
    )
    # outcomes with their competency codes and ESCO skill links
    outcome = re.search(r'<li><span class="code">D1\.1</span> <a href="([^"]+)"', html)
    assert outcome, html
    assert outcome.group(1).startswith("http://data.europa.eu/esco/skill/")
    assert_shows(html, "Plan a cross-media narrative around a heritage collection", "; ESCO skill)")
    # where it stacks, and the alignments as the OB data states them
    parent = demo_achievement_id(demo, PARENT)
    assert_shows(
        html,
        f'<a href="/achievements/{parent}">Digital entrepreneurship',
        "<td>European Qualifications Framework</td>",
        "<td><code>D2.2</code></td>",
    )
    # the machine-readable form: its address, and a download equal to what machines get
    alternate = (
        f'<link rel="alternate" type="application/ld+json" href="{TEST_BASE_URL}/achievements/'
    )
    assert f'{alternate}{story_id()}">' in html
    machine = client.get(f"/achievements/{story_id()}", headers={"Accept": "application/ld+json"})
    assert downloaded_json(html) == machine.json()
    assert_shows(
        html,
        '<meta property="og:title" content="Digital storytelling for cultural heritage">',
        "Micro-credential by Materahub Academy (EQF level 4, 2 ECTS).",
    )
    assert_outline(html)


@pytest.mark.parametrize("accept", MACHINE_ACCEPTS)
def test_machines_still_get_the_achievement_json(
    client: TestClient, database: Database, settings: Settings, demo: uuid.UUID, accept: str | None
) -> None:
    response = machine_json(client, f"/achievements/{story_id()}", accept)
    with database.session() as session:
        row = session.get(Achievement, story_id())
        assert row is not None
        expected = achievement_document(session, row, settings.base_url)
    assert response.json() == expected
    assert (
        response.content == json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode()
    )


def test_drafts_and_unknown_achievements_are_404_in_the_form_asked_for(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    draft = make_achievement(database, issuer_id, status="draft", name={"en": "Secret plan"})
    for achievement_id in (draft, uuid.uuid4()):
        page = not_found_page(
            client,
            f"/achievements/{achievement_id}",
            detail=f"no published achievement {achievement_id}",
            page_says="There is no published micro-credential at this address.",
        )
        assert "Secret plan" not in page


def test_a_retired_version_says_so_and_points_to_the_current_one(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    old = make_achievement(database, issuer_id, status="retired", version="1.0")
    with database.unit_of_work() as session:
        row = session.get(Achievement, old)
        assert row is not None
        row.retired_at = row.published_at
    new = make_achievement(
        database,
        issuer_id,
        version="2.0",
        previous_version_id=old,
        validity_months=24,
        image=TINY_PNG,
        participation_form="blended",
    )
    draft = make_achievement(
        database, issuer_id, status="draft", version="3.0", previous_version_id=new
    )
    old_page = client.get(f"/achievements/{old}", headers=BROWSER).text
    assert_shows(
        old_page,
        "This micro-credential is retired since",
        "no new credentials are issued for it",
        f'Current version: <a href="/achievements/{new}">',
        '<span class="badge badge--retired">Retired</span>',
    )
    new_page = client.get(f"/achievements/{new}", headers=BROWSER).text
    assert "retired" not in new_page.split("<h2", 1)[0].split("<h1", 1)[1]
    assert f'Previous version: <a href="/achievements/{old}">' in new_page
    assert str(draft) not in new_page  # the next version is still a draft
    assert "<dt>Validity</dt><dd>2 years from the day a credential is issued</dd>" in new_page
    assert "<dt>Participation</dt><dd>Blended (online and on site)</dd>" in new_page
    assert (
        f'<img class="document-image" src="{TINY_PNG}" alt="Badge of Digital storytelling'
        in new_page
    )
    issuer_page = client.get(f"/issuers/{issuer_id}", headers=BROWSER).text
    assert f"/achievements/{new}" in issuer_page
    assert f"/achievements/{old}" not in issuer_page


def test_a_tie_between_html_and_json_keeps_the_json(client: TestClient, demo: uuid.UUID) -> None:
    for path in (f"/issuers/{demo}", f"/achievements/{story_id()}"):
        for accept in ("text/html, application/json", "application/ld+json, text/html;q=0.9"):
            response = client.get(path, headers={"Accept": accept})
            assert response.headers["content-type"] == "application/ld+json", (path, accept)
