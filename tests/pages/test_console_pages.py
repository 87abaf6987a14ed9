"""The consoles in headless Chromium, each journey signing in through the magic link found in
the outbox: a manager prepares, publishes and issues (one, then 500 by CSV with 3 bad rows) and
revokes; an admin creates an issuer, invites its manager, rotates and compromises keys and
finds it all in the audit log. One live server per journey."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from credex.accounts.service import add_member, ensure_account
from credex.audit.actors import system_actor
from credex.db.models import Credential, Job, OutboxMessage
from tests.api.test_issuance_support import make_issuer
from tests.browser import LiveServer
from tests.web_support import COOKIE_NAME, staff_session

pytestmark = pytest.mark.browser
MANAGER = "maria@lab.example"
ADMIN = "root@credex.example"
ESCO = "http://data.europa.eu/esco/skill/22cbb90f-0bf1-4c30-98c0-7c9749b4e08d"
BAD_ROWS = {7: "not-an-email", 250: "also bad", 499: ""}  # CSV row numbers (header = 1)


def _errors_of(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def _sign_in(server: LiveServer, page: Any, email: str, start: str) -> None:
    page.goto(f"{server.url}{start}")
    assert "/signin" in page.url
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    with server.database.unit_of_work() as session:
        body = session.scalars(
            select(OutboxMessage.body).where(
                OutboxMessage.to_address == email, OutboxMessage.kind == "magic_link"
            )
        ).one()
    found = re.search(rf"{re.escape(server.url)}/signin/\S+", body)
    assert found, body
    page.goto(found.group(0))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert f"Signed in as {email}" in page.locator("header").inner_text()


def _bulk_csv(tmp_path: Path) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "grade"])
    for row in range(2, 502):  # rows 2..501: 500 credentials
        email = BAD_ROWS.get(row, f"learner{row}@example.org")
        writer.writerow([email, f"Learner {row}", ""])
    path = tmp_path / "cohort.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.job_worker
def test_a_manager_publishes_issues_bulk_issues_and_revokes(
    live_server: LiveServer, page: Any, tmp_path: Path
) -> None:
    server, base = live_server, live_server.url
    issuer_id = make_issuer(server.database, server.settings, "Creative Skills Lab")
    with server.database.unit_of_work() as session:
        add_member(session, issuer_id, MANAGER, "manager", actor=system_actor("tests"))
    errors = _errors_of(page)
    _sign_in(server, page, MANAGER, "/console")
    assert page.url == f"{base}/console"

    # A compliant micro-credential, published after a confirmation.
    page.get_by_role("link", name="Micro-credentials").click()
    page.get_by_role("link", name="New micro-credential").click()
    page.get_by_label("Title", exact=True).fill("Stage lighting basics")
    page.get_by_label("Description", exact=True).fill("Rig, focus and program stage lights.")
    page.get_by_role("button", name="Save draft").click()
    missing = page.locator("#missing").inner_text()
    assert "Learning outcomes" in missing
    assert "Type of assessment" in missing
    page.locator("#f-eqf_level").select_option("4")
    page.get_by_label("ECTS credits").fill("2")
    page.locator("#f-outcome_0").fill("Rig and focus lights safely")
    page.locator("#f-outcome_0_esco").fill(ESCO)
    page.get_by_label("Type of assessment").fill("Practical test with a tutor")
    page.get_by_label("Form of participation").select_option("onsite")
    page.locator("#f-qa_type").fill("Internal review board")
    page.get_by_role("button", name="Save draft").click()
    assert "Every mandatory EU element is there" in page.locator("#missing").inner_text()
    page.get_by_role("link", name="Preview what a learner receives").click()
    assert "Stage lighting basics" in page.locator("pre.json").inner_text()
    page.go_back()
    page.get_by_role("button", name="Publish…").click()
    assert "Publishing is final" in page.locator("main").inner_text()
    page.get_by_role("button", name="Yes, publish it").click()
    assert "published" in page.get_by_role("heading", level=1).inner_text()
    achievement_path = page.url.replace(base, "")

    # One credential: link, QR and status on the result page.
    page.get_by_role("link", name="Issue it").click()
    page.get_by_label("Learner e-mail address").fill("ana@example.org")
    page.get_by_label("Learner name").fill("Ana Lima")
    page.get_by_role("button", name="Issue the credential").click()
    assert page.locator("#credential-status").inner_text() == "active"
    assert page.locator("svg.qr").is_visible()
    credential_path = page.url.replace(base, "").split("?")[0]
    link = page.locator("#credential-link").get_attribute("href")
    assert link == f"{base}/credentials/{credential_path.rsplit('/', 1)[1]}"

    # 500 rows, 3 bad: the preview names them before anything is issued.
    page.get_by_role("link", name="Bulk issue").click()
    page.get_by_label("Micro-credential for every row").select_option(
        label="Stage lighting basics (1.0)"
    )
    page.get_by_label("CSV file").set_input_files(str(_bulk_csv(tmp_path)))
    page.get_by_role("button", name="Check the rows").click()
    summary = page.locator("#preview-summary").inner_text()
    assert summary == "500 rows: 497 can be issued, 3 have errors."
    bad = page.locator("#preview-errors tbody tr")
    assert bad.count() == 3
    assert [bad.nth(i).locator("td").first.inner_text() for i in range(3)] == ["7", "250", "499"]
    with server.database.unit_of_work() as session:
        assert session.scalar(select(Job.id)) is None  # nothing issued by the preview
    page.get_by_role("button", name="Issue 497 credentials").click()
    page.locator("#job-percent", has_text="100 %").wait_for(timeout=120_000)
    assert page.locator("#job-state").inner_text() == "done"
    assert page.locator("#job-done").inner_text() == "497 / 497"
    with page.expect_download() as download:
        page.locator("#failed-rows").click()
    failed_text = Path(download.value.path()).read_text(encoding="utf-8")
    failed = list(csv.DictReader(io.StringIO(failed_text)))
    assert [row["row"] for row in failed] == ["7", "250", "499"]
    assert all(row["reason"] for row in failed)
    assert failed[0]["email"] == "not-an-email"

    # Revoke one with a reason, after a confirmation.
    page.goto(f"{base}/console/credentials?learner=ana")
    page.get_by_role("link", name="Ana Lima").click()
    page.get_by_label("Why is it revoked?").fill("Issued to the wrong cohort")
    page.get_by_role("button", name="Revoke…").click()
    assert "Revocation is final" in page.locator("main").inner_text()
    page.get_by_role("button", name="Yes, revoke it").click()
    assert page.locator("#credential-status").inner_text() == "revoked"
    with server.database.unit_of_work() as session:
        revoked = session.scalars(select(Credential).where(Credential.status == "revoked")).one()
        assert revoked.revocation_reason == "Issued to the wrong cohort"

    # A form posted without its CSRF token is refused.
    forged = page.request.post(f"{base}/console/issue", form={"email": "x@example.org"})
    assert forged.status == 403

    # Staff of another issuer: 404 for every one of these objects.
    other_issuer = make_issuer(server.database, server.settings, "Other Lab")
    with server.database.unit_of_work() as session:
        job_id = session.scalar(select(Job.id))
        learner_id = revoked.learner_id
    secret = staff_session(
        server.database, server.settings, "o@other.example", issuer_id=other_issuer
    )
    other = page.context.browser.new_context()
    try:
        other.add_cookies([{"name": COOKIE_NAME, "value": secret, "url": base}])
        for path in (
            achievement_path,
            f"{achievement_path}/preview",
            credential_path,
            f"/console/bulk/{job_id}",
            f"/console/bulk/{job_id}/failed.csv",
            f"/console/learners/{learner_id}",
        ):
            assert other.request.get(f"{base}{path}").status == 404, path
    finally:
        other.close()

    # Every console page fits a 360 px screen.
    page.set_viewport_size({"width": 360, "height": 800})
    for path in (
        "/console",
        achievement_path,
        "/console/issue",
        "/console/bulk",
        "/console/credentials",
        credential_path,
        f"/console/bulk/{job_id}",
        f"/console/learners/{learner_id}",
        "/console/staff",
        "/console/tokens",
        "/console/rules/new",
        "/console/esco?q=theatre",
    ):
        page.goto(base + path)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], (path, widths)
    assert errors == []


def test_an_admin_creates_an_issuer_manages_its_keys_and_audits_it(
    live_server: LiveServer, page: Any
) -> None:
    server, base = live_server, live_server.url
    with server.database.unit_of_work() as session:
        ensure_account(session, ADMIN, actor=system_actor("tests"), admin=True)
    errors = _errors_of(page)
    _sign_in(server, page, ADMIN, "/admin")
    assert page.url == f"{base}/admin"
    page.get_by_role("link", name="New issuer").click()
    page.get_by_label("Name", exact=True).fill("Teatro Studio")
    page.get_by_label("Country").fill("it")
    page.locator("#f-qa_type").fill("Regional accreditation")
    page.get_by_role("button", name="Create the issuer").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Teatro Studio"
    issuer_id = uuid.UUID(page.url.rsplit("/", 1)[1].split("?")[0])

    page.get_by_label("E-mail address").fill("lead@teatro.example")
    page.get_by_label("Role").select_option("manager")
    page.get_by_role("button", name="Invite").click()
    assert "lead@teatro.example · manager" in page.locator("#member-list").inner_text()

    page.get_by_role("button", name="Rotate: make new signing keys").click()
    keys = page.locator("#key-list").inner_text()
    for retired in ("key-1\tEd25519\tretired", "key-2\tP-256\tretired"):
        assert retired in keys
    for active in ("key-3\tEd25519\tactive", "key-4\tP-256\tactive"):
        assert active in keys
    page.get_by_role("button", name="Mark key-1 compromised").click()
    page.get_by_label("Compromised since (UTC)").fill("2026-01-31T14:00")
    page.get_by_label("What happened").fill("Laptop stolen")
    page.get_by_role("button", name="Continue").click()
    warning = page.locator("#compromise").inner_text()
    assert "stops verifying" in warning
    assert "before that time keep verifying" in warning
    page.get_by_role("button", name="Yes, mark it compromised").click()
    compromised = "key-1\tEd25519\tcompromised (since 2026-01-31 14:00 UTC)"
    assert compromised in page.locator("#key-list").inner_text()

    page.get_by_role("link", name="Audit log").first.click()
    log = page.locator("#audit-entries").inner_text()
    for action in (
        "staff.signed_in",
        "issuer.created",
        "staff.added",
        "key.rotated",
        "key.compromised",
    ):
        assert action in log, action
    assert ADMIN in log
    page.get_by_label("Action").fill("key")
    page.get_by_label("Issuer").select_option(str(issuer_id))
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#audit-entries tbody tr")
    assert rows.count() == 2
    assert "Laptop stolen" in page.locator("#audit-entries").inner_text()

    page.goto(f"{base}/")  # the home page leads everywhere, and shows who is signed in
    for name in ("Verify a credential", "My wallet", "Frameworks"):
        assert page.get_by_role("link", name=re.compile(name)).first.is_visible()
    assert f"Signed in as {ADMIN}" in page.locator("header").inner_text()
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Staff sign-in").first.is_visible()
    assert errors == []
