"""The wallet pages over HTTP (fast; the browser tests cover the same flow in Chromium)."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core import Ed25519Signer, sign_credential
from credex.db.models import Credential, Learner, WebSession
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_signin import code_from_outbox
from tests.api.test_wallet_support import ANA, Wallets, two_issuer_wallet
from tests.core.factories import ob_credential
from tests.web_support import COOKIE_NAME, web_session

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def signed_in(client: TestClient, database: Database, email: str = ANA) -> str:
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    secret = web_session(database, settings, email)
    client.cookies.set(COOKIE_NAME, secret)
    return secret


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html
    return found.group(1)


def test_the_wallet_asks_for_sign_in_and_the_magic_link_signs_in(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    redirected = client.get("/wallet", follow_redirects=False)
    assert (redirected.status_code, redirected.headers["location"]) == (303, "/wallet/signin")
    form = client.get("/wallet/signin")
    assert '<label class="label" for="f-email">' in form.text
    invalid = client.post("/wallet/signin", data={"email": "nope"})
    assert invalid.status_code == 422
    assert 'aria-invalid="true"' in invalid.text
    sent = client.post("/wallet/signin", data={"email": ANA})
    assert sent.status_code == 200
    assert "Check your e-mail" in sent.text
    code = code_from_outbox(database)
    confirm = client.get(f"/wallet/signin/{code}")
    assert confirm.status_code == 200
    assert "Sign in to my wallet" in confirm.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
    assert csrf
    forged = client.post(f"/wallet/signin/{code}", data={"csrf": "guess"}, follow_redirects=False)
    assert forged.status_code == 403  # a cross-site form cannot sign anyone in
    done = client.post(
        f"/wallet/signin/{code}", data={"csrf": csrf.group(1)}, follow_redirects=False
    )
    assert (done.status_code, done.headers["location"]) == (303, "/wallet")
    cookie = done.headers["set-cookie"]
    assert "credex_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    wallet = client.get("/wallet")
    assert wallet.status_code == 200
    assert "default-src 'none'" in wallet.headers["content-security-policy"]
    for credential_id in w.ana_ids:
        assert f'href="/wallet/credentials/{credential_id}"' in wallet.text
    assert w.bob_ldp["id"] not in wallet.text
    assert "Heritage Academy" in wallet.text
    reused = client.post(f"/wallet/signin/{code}", data={"csrf": csrf.group(1)})
    assert reused.status_code == 401
    assert "expired or was already used" in reused.text


def test_the_detail_page_shares_and_downloads(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    signed_in(client, database)
    cid = w.ana_ldp["id"]
    page = client.get(f"/wallet/credentials/{cid}")
    assert page.status_code == 200
    assert "Plan a cross-media narrative" in page.text  # learning outcomes
    for kind in ("json", "png", "svg", "pdf"):
        assert f'href="/wallet/credentials/{cid}/files/{kind}"' in page.text
    csrf = csrf_of(page.text)
    refused = client.post(f"/wallet/credentials/{cid}/visibility", data={"public": "on"})
    assert refused.status_code == 403
    made_public = client.post(
        f"/wallet/credentials/{cid}/visibility",
        data={"public": "on", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert made_public.status_code == 303
    shown = client.get(f"/wallet/credentials/{cid}").text
    assert "Make private" in shown
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in shown
    created = client.post(
        f"/wallet/credentials/{cid}/share-links",
        data={"label": "Acme", "expires_in_days": "7", "csrf_token": csrf},
    )
    assert created.status_code == 200
    url = re.search(
        r'<code id="new-share-link">http://testserver(/share/[^<]+)</code>', created.text
    )
    assert url
    assert client.get(url.group(1), headers={"Accept": "application/json"}).status_code == 200
    pdf = client.get(f"/wallet/credentials/{cid}/files/pdf")
    assert pdf.content.startswith(b"%PDF-")
    archive = zipfile.ZipFile(io.BytesIO(client.get("/wallet/export").content))
    assert "manifest.json" in archive.namelist()
    badge = client.get(f"/wallet/credentials/{cid}/badge.png")
    assert badge.headers["content-type"] == "image/png"


def test_another_persons_credential_page_is_not_found(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w: Wallets = two_issuer_wallet(client, database, settings)
    signed_in(client, database)
    for path in (
        f"/wallet/credentials/{w.bob_ldp['id']}",
        f"/wallet/credentials/{w.bob_ldp['id']}/files/pdf",
        f"/wallet/credentials/{w.bob_ldp['id']}/badge.png",
        f"/wallet/credentials/{uuid.uuid4()}",
        "/wallet/credentials/not-an-id",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
    csrf = csrf_of(client.get("/wallet").text)
    toggled = client.post(
        f"/wallet/credentials/{w.bob_ldp['id']}/visibility",
        data={"public": "on", "csrf_token": csrf},
    )
    assert toggled.status_code == 404
    with database.unit_of_work() as session:
        bob = session.get(Credential, uuid.UUID(w.bob_ldp["id"]))
        assert bob is not None
        assert bob.public is False


def test_import_from_the_page(client: TestClient, database: Database, settings: Settings) -> None:
    two_issuer_wallet(client, database, settings)
    signed_in(client, database)
    csrf = csrf_of(client.get("/wallet").text)
    signer = Ed25519Signer.from_seed(bytes(range(2, 34)))
    foreign = sign_credential(ob_credential(signer.controller, email=ANA), signer)
    files: dict[str, Any] = {
        "file": ("badge.json", json.dumps(foreign).encode(), "application/json")
    }
    added = client.post(
        "/wallet/imports", data={"csrf_token": csrf}, files=files, follow_redirects=False
    )
    assert added.status_code == 303, added.text
    assert "Digital storytelling" in client.get("/wallet").text
    nothing = client.post("/wallet/imports", data={"csrf_token": csrf})
    assert nothing.status_code == 422
    assert "Choose a file" in nothing.text


def test_sign_out_and_account_deletion(
    client: TestClient, database: Database, settings: Settings
) -> None:
    two_issuer_wallet(client, database, settings)
    token = signed_in(client, database)
    account = client.get("/wallet/account")
    csrf = csrf_of(account.text)
    exported = client.get("/wallet/account/export")
    assert exported.json()["email"] == ANA
    wrong = client.post("/wallet/account/delete", data={"confirm": "yes", "csrf_token": csrf})
    assert wrong.status_code == 422
    deleted = client.post("/wallet/account/delete", data={"confirm": "DELETE", "csrf_token": csrf})
    assert deleted.status_code == 200
    assert "Your account was deleted" in deleted.text
    assert 'credex_session=""' in deleted.headers["set-cookie"]
    with database.unit_of_work() as session:
        assert session.scalars(select(Learner).where(Learner.email == ANA)).all() == []
    signed_in(client, database, "bob@example.org")
    csrf = csrf_of(client.get("/wallet").text)
    out = client.post("/wallet/signout", data={"csrf_token": csrf}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/wallet/signin")
    with database.unit_of_work() as session:
        bob_session = session.scalar(
            select(WebSession).where(WebSession.email == "bob@example.org")
        )
        assert bob_session is not None
        assert bob_session.ended_at is not None
        ana_session = session.scalar(select(WebSession).where(WebSession.email == ANA))
        assert ana_session is not None
        assert ana_session.ended_at is not None  # ended by the deletion
    assert client.get("/wallet", follow_redirects=False).status_code == 303
    assert token
