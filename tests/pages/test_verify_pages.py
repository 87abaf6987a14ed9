"""The verification page and the public credential page: over HTTP first (fast), then in
headless Chromium (paste, upload, QR code and download, keyboard, phone widths)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from credex.core import Ed25519Signer, sign_credential
from credex.core.baking import bake_png
from credex.core.proofs import add_proof
from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.browser import LiveServer
from tests.conftest import make_token
from tests.core.factories import ob_credential
from tests.core.test_verification import tiny_png

SIGNER = Ed25519Signer.from_seed(bytes(range(32)))
EMPTY_FILE = {"file": ("", b"", "application/octet-stream")}


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    return sign_credential(ob_credential(SIGNER.controller, email="ana@example.org"), SIGNER)


def post(client: TestClient, files: dict[str, Any] | None = None, **fields: str) -> Any:
    return client.post("/verify", data=fields, files=files or EMPTY_FILE)


def test_the_form_is_labelled_and_strictly_secured(client: TestClient) -> None:
    response = client.get("/verify")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy  # scripts only from this site, never inline
    assert "unsafe" not in policy
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    for field in ("document", "file", "email"):  # one box takes pasted text or an address
        assert f'<label class="label" for="f-{field}">' in html
        assert f'id="f-{field}"' in html
    assert '<a href="/verify" aria-current="page">Verify</a>' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_pasted_credential_shows_the_verdict_first(
    client: TestClient, signed: dict[str, Any]
) -> None:
    response = post(client, document=json.dumps(signed), email="ana@example.org")
    assert response.status_code == 200
    html = response.text
    main = html[html.index("<main") :]
    assert main.index("Verified</h2>") < main.index("About this credential")
    assert '<span class="verdict__icon" aria-hidden="true">✔</span> Verified' in html
    assert "with 1 warning below" in html
    assert "Unknown issuer: not on this service&#39;s trusted list" in html
    assert '<strong>Recipient</strong>: <span class="check__word">Passed</span>' in html
    assert "<dt>EQF level</dt><dd>Not stated</dd>" in html
    assert "1 January 2025" in html


def test_the_achievement_type_reads_as_words(client: TestClient) -> None:
    """`achievementType: MicroCredential` is shown as "Micro-credential", not the OB term."""
    credential = ob_credential(SIGNER.controller)
    credential["credentialSubject"]["achievement"]["achievementType"] = "MicroCredential"
    signed = sign_credential(credential, SIGNER)
    html = post(client, document=json.dumps(signed)).text
    assert "<dt>Type</dt><dd>Micro-credential</dd>" in html


def test_a_tampered_credential_says_why_in_plain_words(
    client: TestClient, signed: dict[str, Any]
) -> None:
    tampered = json.loads(json.dumps(signed))
    tampered["name"] = "Forged name"
    html = post(client, document=json.dumps(tampered)).text
    assert "Not verified</h2>" in html
    assert "Do not rely on this credential. Changed after it was issued." in html
    assert "What it claims (not proven)" in html
    assert "Not proven by a valid signature" in html
    assert "check check--failed" in html


def test_an_uploaded_badge_image_verifies(client: TestClient, signed: dict[str, Any]) -> None:
    files = {"file": ("badge.png", bake_png(tiny_png(), signed), "image/png")}
    html = post(client, files=files).text
    assert "Verified</h2>" in html


def test_a_presentation_shows_each_credential(client: TestClient, signed: dict[str, Any]) -> None:
    presentation = add_proof(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": SIGNER.controller,
            "verifiableCredential": [signed],
        },
        SIGNER,
        proof_purpose="authentication",
    )
    html = post(client, document=json.dumps(presentation)).text
    assert "This presentation is genuine" in html
    assert "Credential 1 in this presentation" in html
    assert "<strong>Presented by its holder</strong>" in html


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({}, 422, "Paste a credential, upload a file or enter a web address."),
        ({"document": "{}", "url": "https://x.example/c"}, 422, "Use one way at a time"),
        ({"url": "ftp://x.example/c"}, 422, "Enter a web address starting with https://"),
        ({"document": "{}", "email": "not-an-email"}, 422, "Enter an email address like"),
    ],
)
def test_form_problems_are_shown_next_to_the_form(
    client: TestClient, fields: dict[str, str], status: int, message: str
) -> None:
    response = post(client, **fields)
    assert response.status_code == status
    assert 'role="alert"' in response.text
    assert message in response.text
    assert "Verified</h2>" not in response.text


def test_an_oversized_upload_is_refused(client: TestClient) -> None:
    files = {"file": ("big.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024), "image/png")}
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    response = client.post("/verify", files=files, headers=browser)
    assert response.status_code == 413
    assert "That file is too large" in response.text
    assert "up to 2 MiB" in response.text


def test_an_address_the_verifier_must_not_reach_is_a_failed_verification(
    client: TestClient,
) -> None:
    html = post(client, url="http://169.254.169.254/latest/meta-data/").text
    assert "Not verified</h2>" in html
    assert "could not be retrieved" in html


# --- in a real browser -------------------------------------------------------------------------


def _public_credential(server: LiveServer) -> tuple[str, dict[str, Any]]:
    """Issue a public credential on the live server; returns its page URL and JSON."""
    issuer_id = make_issuer(server.database, server.settings, "Matera Heritage School")
    achievement_id = make_achievement(server.database, issuer_id)
    token = make_token(server.database, role="issuer", name="page", issuer_id=issuer_id)
    response = httpx.post(
        f"{server.url}/api/v1/credentials",
        json={
            "achievement_id": str(achievement_id),
            "learner": {"email": "ana@example.org", "name": "Ana Silva"},
            "public": True,
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    issued = response.json()
    return f"{server.url}/credentials/{issued['id']}", issued["credential"]


def _no_horizontal_scroll(page: Any) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


@pytest.mark.browser
def test_an_employer_pastes_a_credential_on_a_phone(
    live_server: LiveServer, phone_page: Any, signed: dict[str, Any]
) -> None:
    page = phone_page
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/verify")
        _no_horizontal_scroll(page)
        page.get_by_label("Paste the credential (JSON or VC-JWT) or its web address").fill(
            json.dumps(signed)
        )
        page.get_by_label("Learner's email address").fill("ana@example.org")
        page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()
        verdict = page.get_by_role("region", name="Verification result")
        assert verdict.get_by_role("heading", level=2).first.inner_text().endswith("Verified")
        assert "Recipient: Passed" in page.locator(".checks").inner_text()
        _no_horizontal_scroll(page)


@pytest.mark.browser
def test_an_employer_uploads_a_baked_badge(
    live_server: LiveServer, page: Any, signed: dict[str, Any], tmp_path: Path
) -> None:
    badge = tmp_path / "badge.png"
    badge.write_bytes(bake_png(tiny_png(), signed))
    page.goto(f"{live_server.url}/verify")
    page.get_by_label("Or choose a file").set_input_files(str(badge))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    title = page.locator(".verdict__title").first
    assert title.inner_text().endswith("Verified")
    colour = page.evaluate("getComputedStyle(document.querySelector('.verdict')).borderLeftColor")
    assert colour == "rgb(15, 95, 46)"  # reinforces the words; never the only signal


@pytest.mark.browser
def test_keyboard_users_reach_every_field_in_order(live_server: LiveServer, page: Any) -> None:
    page.goto(f"{live_server.url}/verify")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    reached = []
    for _ in range(30):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.type"))
        if reached[-1] == "submit":
            break
    assert [r for r in reached if r.startswith("f-")] == [
        "f-document",
        "f-file",
        "f-email",
    ]
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


@pytest.mark.browser
def test_the_public_page_verifies_live_and_offers_qr_and_download(
    live_server: LiveServer, phone_page: Any
) -> None:
    """The live server's origin is `localhost`: a did:web must name a domain, so credentials
    issued under an IP-address origin could never verify (did:web §2.5)."""
    page_url, credential = _public_credential(live_server)
    page = phone_page
    page.goto(page_url)
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Digital storytelling for cultural heritage"
    )
    assert page.locator(".verdict__title").first.inner_text().endswith("Verified")
    assert "Registered with this service" in page.locator(".facts").last.inner_text()
    qr = page.get_by_role("img", name=re.compile("QR code linking to"))
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box is not None
    assert box["width"] >= 150
    og_url = page.locator('meta[property="og:url"]').get_attribute("content")
    assert og_url == page_url
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the credential (JSON)").click()
    saved = download.value
    assert saved.suggested_filename == f"credential-{page_url.rsplit('/', 1)[-1]}.json"
    assert json.loads(Path(saved.path()).read_text()) == credential
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 800})
        _no_horizontal_scroll(page)


@pytest.mark.browser
def test_without_a_qr_reader_the_camera_button_and_empty_video_stay_hidden(
    live_server: LiveServer, phone_page: Any
) -> None:
    """Chromium on Linux has no BarcodeDetector: the page says so in words, and must not show
    a button that cannot work nor a blank video box (CSS `display` beat the `hidden` attribute)."""
    page = phone_page
    page.add_init_script("delete window.BarcodeDetector")
    page.goto(f"{live_server.url}/verify")
    assert "cannot read QR codes here" in page.locator(".scan__status").inner_text()
    assert not page.get_by_role("button", name="Scan a QR code with the camera").is_visible()
    assert not page.locator("[data-scan-video]").is_visible()
