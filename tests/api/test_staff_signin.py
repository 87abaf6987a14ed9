"""Staff sign-in by e-mailed magic link, the one session cookie, expiry, sign-out, rate limits,
and `credex user create`."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from credex.app import create_app
from credex.cli import app as cli
from credex.db.models import Account, AuditEntry, Membership, OutboxMessage, WebSession
from credex.db.session import Database
from credex.issuers.service import DEMO_ISSUER_ID
from credex.settings import Settings, get_settings
from tests.api.test_issuance_support import make_issuer
from tests.web_support import COOKIE_NAME, staff_session

LINK = re.compile(r"/signin/([A-Za-z0-9_-]+)")
MANAGER = "maria@lab.example"


def staff_link(database: Database, email: str) -> str | None:
    with database.unit_of_work() as session:
        message = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.created_at.desc())
        ).first()
        if message is None:
            return None
        found = LINK.search(message.body)
        assert found, message.body
        assert "/wallet/" not in message.body
        return found.group(1)


def sign_in_by_link(client: TestClient, database: Database, email: str) -> str:
    sent = client.post("/signin", data={"email": email})
    assert sent.status_code == 200
    code = staff_link(database, email)
    assert code is not None
    confirm = client.get(f"/signin/{code}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
    assert csrf
    done = client.post(f"/signin/{code}", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert done.status_code == 303, done.text
    return done.headers["set-cookie"]


def test_a_manager_signs_in_by_link_and_lands_in_the_console(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    staff_session(database, settings, MANAGER, issuer_id=issuer_id)
    client.cookies.clear()
    assert client.get("/console", follow_redirects=False).headers["location"] == (
        "/signin?next=/console"
    )
    cookie = sign_in_by_link(client, database, MANAGER)
    assert cookie.startswith(f"{COOKIE_NAME}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests; see the https test
    console = client.get("/console")
    assert console.status_code == 200
    assert "Creative Skills Lab" in console.text
    assert f"Signed in as {MANAGER}" in console.text
    assert client.get("/wallet").status_code == 200  # the same session opens the wallet
    with database.unit_of_work() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.signed_in"))
        assert entry is not None
        assert entry.actor == MANAGER


def test_unknown_addresses_get_the_same_answer_and_no_mail(
    client: TestClient, database: Database
) -> None:
    answer = client.post("/signin", data={"email": "nobody@example.org"})
    assert answer.status_code == 200
    assert "If nobody@example.org has a staff account" in answer.text
    assert staff_link(database, "nobody@example.org") is None
    bad = client.post("/signin", data={"email": "not an address"})
    assert bad.status_code == 422
    assert "not an address" in bad.text  # what was typed stays in the field


def test_a_wallet_link_does_not_open_the_console(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    staff_session(database, settings, MANAGER, issuer_id=issuer_id)
    client.cookies.clear()
    client.post("/wallet/signin", data={"email": MANAGER})
    with database.unit_of_work() as session:
        body = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.to_address == MANAGER)
        ).all()[-1]
    code = re.search(r"/wallet/signin/([A-Za-z0-9_-]+)", body)
    assert code
    # A wallet link is refused by the staff confirmation (purpose differs).
    confirm = client.get(f"/signin/{code.group(1)}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
    assert csrf
    refused = client.post(f"/signin/{code.group(1)}", data={"csrf": csrf.group(1)})
    assert refused.status_code == 401


def test_sessions_expire_when_idle_and_at_their_absolute_end(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    secret = staff_session(database, settings, MANAGER, issuer_id=issuer_id)
    client.cookies.set(COOKIE_NAME, secret)
    assert client.get("/console").status_code == 200
    idle = timedelta(minutes=settings.staff_session_idle_minutes + 1)
    with database.unit_of_work() as session:
        row = session.scalars(select(WebSession)).one()
        row.last_seen_at -= idle
    assert client.get("/console", follow_redirects=False).status_code == 303
    with database.unit_of_work() as session:
        row = session.scalars(select(WebSession)).one()
        row.last_seen_at += idle
        row.expires_at = row.created_at  # the absolute end has passed
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_sign_out_needs_the_csrf_token_and_ends_the_session(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    client.cookies.set(COOKIE_NAME, staff_session(database, settings, MANAGER, issuer_id=issuer_id))
    page = client.get("/console").text
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)
    assert csrf
    assert client.post("/signout", data={"csrf_token": "0" * 64}).status_code == 403
    out = client.post("/signout", data={"csrf_token": csrf.group(1)}, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/")
    assert f'{COOKIE_NAME}=""' in out.headers["set-cookie"]
    with database.unit_of_work() as session:
        assert session.scalars(select(WebSession)).one().ended_at is not None


def test_the_cookie_is_secure_on_https(database: Database, settings: Settings) -> None:
    https = settings.model_copy(update={"base_url": "https://credex.example"})
    issuer_id = make_issuer(database, settings)
    staff_session(database, settings, MANAGER, issuer_id=issuer_id)
    with TestClient(create_app(https, database), base_url="https://credex.example") as client:
        assert "; Secure" in sign_in_by_link(client, database, MANAGER)


def test_sign_in_attempts_are_rate_limited(database: Database, settings: Settings) -> None:
    limited = settings.model_copy(update={"signin_per_client_per_hour": 3})
    with TestClient(create_app(limited, database)) as client:
        codes = [
            client.post("/signin", data={"email": "x@example.org"}).status_code for _ in "1234"
        ]
    assert codes == [200, 200, 200, 429]


def test_user_create_bootstraps_admins_and_managers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CREDEX_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(cli, ["demo"]).exit_code == 0
        admin = runner.invoke(
            cli, ["user", "create", "--email", "Root@Example.org", "--role", "admin"]
        )
        assert admin.exit_code == 0, admin.output
        admin_id = uuid.UUID(admin.output.strip().splitlines()[-1])
        manager = runner.invoke(
            cli,
            [
                "user",
                "create",
                "--email",
                MANAGER,
                "--issuer",
                str(DEMO_ISSUER_ID),
                "--role",
                "staff",
            ],
        )
        assert manager.exit_code == 0, manager.output
        manager_id = uuid.UUID(manager.output.strip().splitlines()[-1])
        wrong = runner.invoke(cli, ["user", "create", "--email", MANAGER, "--role", "manager"])
        assert wrong.exit_code == 2
        again = runner.invoke(
            cli,
            [
                "user",
                "create",
                "--email",
                MANAGER,
                "--issuer",
                str(DEMO_ISSUER_ID),
                "--role",
                "staff",
            ],
        )
        assert again.exit_code == 2
        assert "already works for this issuer" in again.output
    finally:
        get_settings.cache_clear()
    database = Database.from_url(url)
    try:
        with database.unit_of_work() as session:
            root = session.get(Account, admin_id)
            assert root is not None
            assert (root.email, root.is_admin) == ("root@example.org", True)
            member = session.scalars(
                select(Membership).where(Membership.account_id == manager_id)
            ).one()
            assert (member.issuer_id, member.role) == (DEMO_ISSUER_ID, "staff")
            demo_manager = session.scalar(
                select(Account).where(Account.email == "manager@credex.example")
            )
            assert demo_manager is not None  # the demo made its manager and admin
            actions = set(session.scalars(select(AuditEntry.action)))
            assert {"account.created", "staff.added"} <= actions
    finally:
        database.dispose()


def test_after_signing_in_the_page_first_asked_for_opens(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    staff_session(database, settings, MANAGER, issuer_id=issuer_id)
    client.cookies.clear()
    asked = client.get("/console/credentials?status=revoked", follow_redirects=True)
    assert 'name="next" value="/console/credentials?status=revoked"' in asked.text
    client.post("/signin", data={"email": MANAGER, "next": "/console/credentials?status=revoked"})
    code = staff_link(database, MANAGER)
    confirm = client.get(f"/signin/{code}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
    assert csrf
    done = client.post(f"/signin/{code}", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert done.headers["location"] == "/console/credentials?status=revoked"
    client.cookies.clear()
    client.post("/signin", data={"email": MANAGER, "next": "//evil.example/"})
    assert "credex_signin_next" not in client.cookies  # only local paths are kept
