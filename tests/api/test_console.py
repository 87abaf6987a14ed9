"""The issuer and admin consoles over HTTP: roles, tenant isolation (404), CSRF, the audit trail
of what pages change, and the audit API's filters (the browser journeys are in tests/pages)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.db.models import Achievement, AuditEntry, Credential, IssuerKey, Job
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import make_achievement, make_issuer
from tests.conftest import make_token
from tests.web_support import COOKIE_NAME, staff_session

ESCO_SKILL = "http://data.europa.eu/esco/skill/"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def as_person(client: TestClient, secret: str) -> str:
    client.cookies.set(COOKIE_NAME, secret)
    page = client.get("/console")
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


def issue(client: TestClient, csrf: str, achievement_id: uuid.UUID, **fields: str) -> Any:
    data = {"csrf_token": csrf, "achievement_id": str(achievement_id), "public": "on"}
    data |= {"email": "ana@example.org", "name": "Ana Lima"} | fields
    return client.post("/console/issue", data=data, follow_redirects=False)


def count(database: Database, model: type[Any]) -> int:
    with database.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_staff_issue_and_revoke_in_two_steps_and_the_audit_names_them(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    achievement_id = make_achievement(database, issuer_id)
    csrf = as_person(
        client,
        staff_session(database, settings, "sam@lab.example", issuer_id=issuer_id, role="staff"),
    )
    bad = issue(client, csrf, achievement_id, email="not-an-address")
    assert bad.status_code == 422
    assert 'value="not-an-address"' in bad.text  # the input is kept
    assert count(database, Credential) == 0
    issued = issue(client, csrf, achievement_id)
    assert issued.status_code == 303
    detail = client.get(issued.headers["location"])
    assert "The credential was issued and signed" in detail.text
    assert '<svg role="img" aria-label="QR code linking to' in detail.text
    credential_id = issued.headers["location"].split("/")[3].split("?")[0]
    url = f"/console/credentials/{credential_id}/revoke"
    no_reason = client.post(url, data={"csrf_token": csrf, "reason": ""})
    assert no_reason.status_code == 422
    ask = client.post(url, data={"csrf_token": csrf, "reason": "Plagiarised portfolio"})
    assert "Revocation is final" in ask.text
    with database.unit_of_work() as session:
        assert session.get(Credential, uuid.UUID(credential_id)).status == "active"  # type: ignore[union-attr]
    done = client.post(
        url, data={"csrf_token": csrf, "reason": "Plagiarised portfolio", "confirmed": "yes"}
    )
    assert done.status_code == 200
    with database.unit_of_work() as session:
        credential = session.get(Credential, uuid.UUID(credential_id))
        assert credential is not None
        assert (credential.status, credential.revocation_reason) == (
            "revoked",
            "Plagiarised portfolio",
        )
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.credential_id == credential.id)
        ).all()
        assert {(e.action, e.actor) for e in entries} == {
            ("credential.issued", "sam@lab.example"),
            ("credential.revoked", "sam@lab.example"),
        }
    exported = client.get("/console/credentials.csv?status=revoked")
    assert exported.headers["content-type"].startswith("text/csv")
    assert credential_id in exported.text
    assert "ana@example.org" in exported.text
    assert (
        client.get("/console/credentials?learner=nobody").text.count("/console/credentials/") == 0
    )


def test_another_issuers_staff_gets_404_for_every_object(
    client: TestClient, database: Database, settings: Settings
) -> None:
    mine = make_issuer(database, settings, "Mine")
    theirs = make_issuer(database, settings, "Theirs")
    achievement_id = make_achievement(database, mine)
    csrf = as_person(client, staff_session(database, settings, "m@mine.example", issuer_id=mine))
    credential_id = issue(client, csrf, achievement_id).headers["location"].split("/")[3]
    credential_id = credential_id.split("?")[0]
    job = client.post(
        "/console/bulk/start",
        data={
            "csrf_token": csrf,
            "achievement_id": str(achievement_id),
            "rows": "email,name\nbo@example.org,Bo\n",
        },
        follow_redirects=False,
    )
    assert job.status_code == 303, job.text
    job_path = job.headers["location"]
    with database.unit_of_work() as session:
        learner_id = session.get(Credential, uuid.UUID(credential_id)).learner_id  # type: ignore[union-attr]
    other = as_person(
        client, staff_session(database, settings, "t@theirs.example", issuer_id=theirs)
    )
    for path in (
        f"/console/credentials/{credential_id}",
        f"/console/achievements/{achievement_id}",
        f"/console/achievements/{achievement_id}/preview",
        job_path,
        f"{job_path}/failed.csv",
        f"/console/learners/{learner_id}",
    ):
        assert client.get(path).status_code == 404, path
    for path, data in (
        (f"/console/credentials/{credential_id}/revoke", {"reason": "x", "confirmed": "yes"}),
        (f"/console/achievements/{achievement_id}", {"name": "Stolen"}),
        (f"/console/achievements/{achievement_id}/publish", {"confirmed": "yes"}),
        (f"/console/achievements/{achievement_id}/versions", {}),
        (f"{job_path}/cancel", {}),
    ):
        assert client.post(path, data={"csrf_token": other} | data).status_code == 404, path
    with database.unit_of_work() as session:
        assert session.get(Credential, uuid.UUID(credential_id)).status == "active"  # type: ignore[union-attr]


def test_posts_without_the_csrf_token_are_refused(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    achievement_id = make_achievement(database, issuer_id)
    as_person(client, staff_session(database, settings, "root@example.org", admin=True))
    as_person(client, staff_session(database, settings, "m@lab.example", issuer_id=issuer_id))
    client.cookies.set(
        COOKIE_NAME,
        staff_session(database, settings, "a@x.example", admin=True, issuer_id=issuer_id),
    )
    with database.unit_of_work() as session:
        key_id = session.scalars(select(IssuerKey.id)).first()
    posts = {
        "/console/issue": {"achievement_id": str(achievement_id), "email": "a@example.org"},
        "/console/bulk/start": {"rows": "email\na@example.org\n"},
        "/console/achievements/new": {"name": "X", "description": "Y"},
        "/console/tokens": {"name": "robot"},
        "/console/staff": {"email": "new@example.org", "role": "staff"},
        "/console/switch": {"issuer_id": str(issuer_id)},
        "/admin/issuers/new": {"name": "Forged"},
        f"/admin/issuers/{issuer_id}/keys/rotate": {},
        f"/admin/issuers/{issuer_id}/keys/{key_id}/compromise": {"confirmed": "yes"},
        "/admin/trusted-issuers": {"issuer": "did:web:x.example", "name": "X"},
        "/signout": {},
    }
    before = count(database, AuditEntry)
    for path, data in posts.items():
        for token in ({}, {"csrf_token": "0" * 64}):
            response = client.post(path, data=data | token)
            assert response.status_code == 403, path
            assert "could not be verified" in response.text
    assert count(database, AuditEntry) == before
    assert count(database, Job) == 0


def test_roles_limit_what_a_person_may_do(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    as_person(
        client,
        staff_session(database, settings, "s@lab.example", issuer_id=issuer_id, role="staff"),
    )
    for path in ("/console/tokens", "/console/staff", "/console/achievements/new"):
        assert client.get(path).status_code == 403, path
    assert client.get("/admin").status_code == 403
    as_person(
        client,
        staff_session(database, settings, "r@lab.example", issuer_id=issuer_id, role="assessor"),
    )
    assert client.get("/console/issue").status_code == 403
    assert client.get("/console/bulk").status_code == 403
    assert client.get("/console/credentials").status_code == 200


def test_a_manager_manages_staff_and_tokens_and_switches_issuer(
    client: TestClient, database: Database, settings: Settings
) -> None:
    first = make_issuer(database, settings, "First")
    second = make_issuer(database, settings, "Second")
    staff_session(database, settings, "m@lab.example", issuer_id=second)
    csrf = as_person(client, staff_session(database, settings, "m@lab.example", issuer_id=first))
    invited = client.post(
        "/console/staff",
        data={"csrf_token": csrf, "email": "New@Lab.example", "role": "staff"},
        follow_redirects=True,
    )
    assert "new@lab.example" in invited.text
    created = client.post("/console/tokens", data={"csrf_token": csrf, "name": "LMS"})
    token = re.search(r'id="new-token">(cx_[^<]+)<', created.text)
    assert token
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert me.json()["issuer_id"] == str(first)
    assert "Second" in client.get("/console").text  # the switcher lists both
    client.post("/console/switch", data={"csrf_token": csrf, "issuer_id": str(second)})
    assert '<p class="console-bar__issuer">Second' in client.get("/console").text
    foreign = client.post(
        "/console/switch", data={"csrf_token": csrf, "issuer_id": str(uuid.uuid4())}
    )
    assert foreign.status_code == 404
    with database.unit_of_work() as session:
        actions = [
            e.action
            for e in session.scalars(select(AuditEntry).where(AuditEntry.issuer_id == first))
        ]
    assert {"staff.added", "token.created"} <= set(actions)


def test_the_audit_api_filters_by_action_and_actor(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    issuer_id = make_issuer(database, settings)
    rotated = client.post(f"/api/v1/issuers/{issuer_id}/keys/rotate", headers=admin_headers)
    assert rotated.status_code in (200, 201)
    items = client.get(
        "/api/v1/audit", params={"action": "key", "actor": "test admin"}, headers=admin_headers
    ).json()["items"]
    assert [item["action"] for item in items] == ["key.rotated"]
    entry = items[0]
    assert entry["object_type"] == "key"
    assert entry["object_id"] == rotated.json()["id"]
    assert entry["at"]
    assert entry["changes"]["new_keys"] == ["key-3", "key-4"]  # Ed25519 and P-256
    assert (
        client.get(
            "/api/v1/audit",
            params={"action": "key", "actor": "someone else"},
            headers=admin_headers,
        ).json()["items"]
        == []
    )
    issuer_token = make_token(
        database, role="issuer", name="i", issuer_id=make_issuer(database, settings, "Other")
    )
    other = client.get(
        "/api/v1/audit",
        params={"action": "key"},
        headers={"Authorization": f"Bearer {issuer_token}"},
    )
    assert other.json()["items"] == []


def test_drafts_are_edited_and_published_only_when_compliant(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    csrf = as_person(
        client, staff_session(database, settings, "m@lab.example", issuer_id=issuer_id)
    )
    created = client.post(
        "/console/achievements/new",
        data={
            "csrf_token": csrf,
            "name": "Stage lighting",
            "description": "Light a stage.",
            "language": "en",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    path = created.headers["location"]
    page = client.get(path).text
    assert "Still missing for EU compliance" in page
    assert "Learning outcomes" in page
    refused = client.post(f"{path}/publish", data={"csrf_token": csrf, "confirmed": "yes"})
    assert refused.status_code == 422
    unknown = client.post(
        path,
        data={
            "csrf_token": csrf,
            "name": "Stage lighting",
            "description": "Light a stage.",
            "outcome_0": "Rig lights",
            "outcome_0_esco": "no such skill at all",
        },
    )
    assert unknown.status_code == 422
    assert "No ESCO skill starts with" in unknown.text
    assert "Rig lights" in unknown.text  # kept
    saved = client.post(
        path,
        data={
            "csrf_token": csrf,
            "name": "Stage lighting",
            "description": "Light a stage.",
            "language": "en",
            "version": "1.0",
            "eqf_level": "4",
            "ects_credits": "2",
            "outcome_0": "Rig and focus stage lights",
            "outcome_0_esco": ESCO_SKILL + "22cbb90f-0bf1-4c30-98c0-7c9749b4e08d\ntheatre pedagogy",
            "assessment_type": "Practical test",
            "participation_form": "onsite",
            "qa_type": "Internal review",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert "Every mandatory EU element is there" in client.get(path).text
    confirm = client.post(f"{path}/publish", data={"csrf_token": csrf})
    assert "Publishing is final" in confirm.text
    client.post(f"{path}/publish", data={"csrf_token": csrf, "confirmed": "yes"})
    with database.unit_of_work() as session:
        achievement = session.get(Achievement, uuid.UUID(path.rsplit("/", 1)[1]))
        assert achievement is not None
        assert achievement.status == "published"
        assert set(achievement.learning_outcomes[0]["esco_uris"]) == {
            ESCO_SKILL + "22cbb90f-0bf1-4c30-98c0-7c9749b4e08d",
            ESCO_SKILL + "3c1284d3-2602-4c68-9bd0-4f50ea4d092e",
        }
        actions = set(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.object_id == str(achievement.id))
            )
        )
    assert {"achievement.created", "achievement.updated", "achievement.published"} <= actions
    esco = client.get("/console/esco", params={"q": "theatre pedagogy"})
    assert "http://data.europa.eu/esco/skill/3c1284d3-2602-4c68-9bd0-4f50ea4d092e" in esco.text


def test_framework_changes_are_audited_from_the_api_and_the_pages(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/frameworks",
        json={"title": {"en": "Stagecraft"}, "version": "1.0", "default_language": "en"},
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    framework_id = created.json()["id"]
    csrf = as_person(client, staff_session(database, settings, "root@example.org", admin=True))
    added = client.post(
        f"/admin/frameworks/{framework_id}/competencies/new",
        data={"csrf_token": csrf, "code": "S1", "title": "Rigging"},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    items = client.get(
        "/api/v1/audit", params={"action": "framework"}, headers=admin_headers
    ).json()["items"]
    assert [(i["action"], i["object_id"]) for i in items] == [
        ("framework.competency_added", framework_id),
        ("framework.created", framework_id),
    ]
    assert items[0]["actor"]["name"] == "root@example.org"
    assert items[1]["actor"]["name"] == "test admin"


def test_a_manager_writes_a_stacking_rule_and_reads_it_in_words(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    parts = [
        make_achievement(database, issuer_id, name={"en": f"Module {n}"}) for n in ("A", "B", "C")
    ]
    target = make_achievement(database, issuer_id, name={"en": "Diploma"})
    csrf = as_person(
        client, staff_session(database, settings, "m@lab.example", issuer_id=issuer_id)
    )
    form = {"csrf_token": csrf, "name": "Diploma path", "target": str(target), "n": "2"}
    form |= {"ects": "4", "months": "24"} | {f"component_{p}": "on" for p in parts}
    missing = client.post("/console/rules/new", data={"csrf_token": csrf, "target": str(target)})
    assert missing.status_code == 422
    assert "Choose at least one micro-credential" in missing.text
    created = client.post("/console/rules/new", data=form, follow_redirects=True)
    assert created.status_code == 200, created.text
    assert (
        "awards Diploma for any 2 of these 3 (Module A, Module B, Module C), at least 4 ECTS, "
        "within 24 months of each other" in created.text
    )
    rule_path = re.search(r'href="(/console/rules/[0-9a-f-]{36})"', created.text)
    assert rule_path
    edit = client.get(rule_path.group(1)).text
    assert 'name="n" type="text" value="2"' in edit
    changed = client.post(
        rule_path.group(1), data=form | {"n": "", "months": ""}, follow_redirects=True
    )
    assert (
        "awards Diploma for all of (Module A, Module B, Module C), at least 4 ECTS<" in changed.text
    )


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


def test_an_uploaded_logo_is_served_and_shown_on_the_issuer_page(
    client: TestClient, database: Database, settings: Settings
) -> None:
    issuer_id = make_issuer(database, settings)
    csrf = as_person(client, staff_session(database, settings, "root@example.org", admin=True))
    url = f"/admin/issuers/{issuer_id}/logo"
    not_an_image = client.post(url, data={"csrf_token": csrf}, files={"logo": ("x.txt", b"hi")})
    assert not_an_image.status_code == 422
    assert "PNG or JPEG" in not_an_image.text
    done = client.post(url, data={"csrf_token": csrf}, files={"logo": ("logo.png", PNG)})
    assert done.status_code == 200
    logo = client.get(f"/issuers/{issuer_id}/logo")
    assert (logo.status_code, logo.headers["content-type"], logo.content) == (200, "image/png", PNG)
    page = client.get(f"/issuers/{issuer_id}", headers={"Accept": "text/html"})
    assert f'src="/issuers/{issuer_id}/logo"' in page.text
    profile = client.get(f"/issuers/{issuer_id}", headers={"Accept": "application/json"}).json()
    assert profile["image"]["id"] == f"{settings.base_url}/issuers/{issuer_id}/logo"
    assert client.get(f"/issuers/{uuid.uuid4()}/logo").status_code == 404


def test_outcomes_name_competencies_of_published_frameworks_by_code(
    client: TestClient, database: Database, settings: Settings
) -> None:
    from credex.frameworks.demo import competency_id, ensure_demo_framework

    with database.unit_of_work() as session:
        ensure_demo_framework(session)
    issuer_id = make_issuer(database, settings)
    csrf = as_person(
        client, staff_session(database, settings, "m@lab.example", issuer_id=issuer_id)
    )
    form = {"csrf_token": csrf, "name": "Stories", "description": "Tell them.", "language": "en"}
    form |= {"outcome_0": "Plan a story", "outcome_0_competencies": "D1.1, ZZ9"}
    unknown = client.post("/console/achievements/new", data=form)
    assert unknown.status_code == 422
    assert "No published framework has the competency ZZ9" in unknown.text
    created = client.post(
        "/console/achievements/new",
        data=form | {"outcome_0_competencies": "D1.1"},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    with database.unit_of_work() as session:
        achievement = session.get(
            Achievement, uuid.UUID(created.headers["location"].rsplit("/")[-1])
        )
        assert achievement is not None
        assert achievement.learning_outcomes[0]["competency_ids"] == [str(competency_id("D1.1"))]
    page = client.get(created.headers["location"]).text
    assert 'name="outcome_0_competencies" type="text" value="D1.1"' in page
