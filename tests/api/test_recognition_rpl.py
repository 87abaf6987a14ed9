"""Recognition of prior learning through the API: apply (draft, then submit) with statements
per outcome, links, text and files; the issuer's assessors ask for more evidence, then accept;
the credential carries the evidence; each stage is audited and mailed; files stay private and
go with the account."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.db.models import AuditEntry, EvidenceFile, OutboxMessage, RecognitionApplication
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import make_tenant
from tests.api.test_wallet_support import learner_headers

ANA = "ana@example.org"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def application(achievement_id: Any, **fields: Any) -> dict[str, Any]:
    return {
        "achievement_id": str(achievement_id),
        "statement": "Five years as a volunteer guide at the city museum.",
        "outcomes": [{"outcome_id": "1", "text": "I planned the museum's podcast series."}],
        "evidence": [{"url": "https://museum.example/podcast"}, {"text": "Reference letter"}],
    } | fields


def count(database: Database, model: Any, *where: Any) -> int:
    with database.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_apply_assess_and_award_with_evidence(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    ana = learner_headers(database)
    draft = client.post(
        "/api/v1/wallet/recognition",
        json=application(tenant.achievement_id, submit=False),
        headers=ana,
    )
    assert draft.status_code == 201, draft.text
    app_id = draft.json()["id"]
    assert draft.json()["state"] == "draft"
    queue = client.get("/api/v1/recognition/applications", headers=tenant.headers).json()
    assert queue["items"] == [], "drafts are not in the assessors' queue"
    uploaded = client.post(
        f"/api/v1/wallet/recognition/{app_id}/files",
        files={"file": ("letter.pdf", PDF, "application/pdf")},
        headers=ana,
    )
    assert uploaded.status_code == 201, uploaded.text
    refused = client.post(
        f"/api/v1/wallet/recognition/{app_id}/files",
        files={"file": ("run.exe", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")},
        headers=ana,
    )
    assert refused.status_code == 422
    submitted = client.patch(
        f"/api/v1/wallet/recognition/{app_id}", json={"submit": True}, headers=ana
    )
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["stage"] == "assessment"
    queue = client.get("/api/v1/recognition/applications", headers=tenant.headers).json()
    assert [item["id"] for item in queue["items"]] == [app_id]
    file_id = queue["items"][0]["files"][0]["id"]
    download = client.get(
        f"/api/v1/recognition/applications/{app_id}/files/{file_id}", headers=tenant.headers
    )
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    other = make_tenant(database, settings, name="Other Lab")
    assert (
        client.get(
            f"/api/v1/recognition/applications/{app_id}/files/{file_id}", headers=other.headers
        ).status_code
        == 404
    )
    more = client.post(
        f"/api/v1/recognition/applications/{app_id}/decision",
        json={
            "outcome": "more_evidence",
            "outcomes": [{"outcome_id": "1", "met": False, "comment": "Show an episode plan"}],
            "comment": "Please add an episode plan.",
        },
        headers=tenant.headers,
    )
    assert more.status_code == 200, more.text
    assert more.json()["state"] == "more_evidence"
    client.patch(
        f"/api/v1/wallet/recognition/{app_id}",
        json={"evidence": [{"url": "https://museum.example/plan.pdf"}], "submit": True},
        headers=ana,
    )
    not_met = client.post(
        f"/api/v1/recognition/applications/{app_id}/decision",
        json={"outcome": "accepted", "outcomes": [{"outcome_id": "1", "met": False}]},
        headers=tenant.headers,
    )
    assert not_met.status_code == 422
    accepted = client.post(
        f"/api/v1/recognition/applications/{app_id}/decision",
        json={
            "outcome": "accepted",
            "outcomes": [{"outcome_id": "1", "met": True, "comment": "Clear plan"}],
            "comment": "Recognised.",
        },
        headers=tenant.headers,
    )
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["state"] == "accepted"
    assert body["stage"] == "certification"
    credential_id = body["credential_id"]
    issued = client.get(f"/api/v1/credentials/{credential_id}", headers=tenant.headers).json()
    document = issued["credential"]
    genres = {item.get("genre") for item in document["evidence"]}
    assert genres == {"recognition of prior learning"}
    assert any(item.get("id") == "https://museum.example/plan.pdf" for item in document["evidence"])
    assert any(item.get("name") == "letter.pdf" for item in document["evidence"])
    assert "recognition of prior learning" in document["credentialSubject"]["narrative"]
    verified = client.post("/api/v1/verify", json={"credential": document}).json()
    assert verified["verified"] is True
    mine = client.get("/api/v1/wallet/recognition", headers=ana).json()["items"]
    assert mine[0]["state"] == "accepted"
    actions = set()
    with database.unit_of_work() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
        mails = session.scalars(select(OutboxMessage.body).where(OutboxMessage.to_address == ANA))
        mail_text = "\n".join(mails)
    assert {
        "recognition.identified",
        "recognition.documented",
        "recognition.submitted",
        "recognition.assessed",
        "recognition.certified",
    } <= actions
    assert "more evidence" in mail_text
    assert "recognised" in mail_text


def test_evidence_is_private_and_goes_with_the_account(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    ana = learner_headers(database)
    created = client.post(
        "/api/v1/wallet/recognition",
        json=application(tenant.achievement_id, submit=False),
        headers=ana,
    ).json()
    file_id = client.post(
        f"/api/v1/wallet/recognition/{created['id']}/files",
        files={"file": ("notes.txt", b"My notes", "text/plain")},
        headers=ana,
    ).json()["id"]
    bob = learner_headers(database, "bob@example.org")
    url = f"/api/v1/wallet/recognition/{created['id']}/files/{file_id}"
    assert client.get(url, headers=bob).status_code == 404
    assert client.get(url, headers=ana).content == b"My notes"
    bad = application(tenant.achievement_id, outcomes=[{"outcome_id": "9", "text": "x"}])
    assert client.post("/api/v1/wallet/recognition", json=bad, headers=ana).status_code == 422
    assert client.delete("/api/v1/wallet/account", headers=ana).status_code == 200
    assert count(database, RecognitionApplication) == 0
    assert count(database, EvidenceFile) == 0
