"""Revocation: final, reasoned, audited, visible in the status list right after commit.

Suspension (the SD-JWT VC form only) is tested in `test_token_status_lists.py`.
"""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core.status_list import StatusBits
from credex.db.models import AuditEntry, Credential
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import fetch, issue, make_tenant, verify

URL = "/api/v1/credentials"


def test_revoked_credentials_fail_the_status_check(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant)
    credential = issued["credential"]
    assert verify(client, credential)["status"] == "passed"
    response = client.post(
        f"{URL}/{issued['id']}/revoke",
        json={"reason": "  Assessment fraud  "},
        headers=tenant.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "revoked"
    assert body["revocation_reason"] == "Assessment fraud"
    assert body["revoked_at"] is not None
    entry = credential["credentialStatus"]
    bits = StatusBits.decode(
        fetch(client, entry["statusListCredential"]).json()["credentialSubject"]["encodedList"]
    )
    assert bits.get(int(entry["statusListIndex"])) == 1
    assert verify(client, credential)["status"] == "failed"
    detail = client.get(f"{URL}/{issued['id']}", headers=tenant.headers).json()
    assert detail["status"] == "revoked"
    assert detail["credential"] == credential  # the stored credential never changes


def test_revocation_is_final(client: TestClient, database: Database, settings: Settings) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant)
    url = f"{URL}/{issued['id']}/revoke"
    assert client.post(url, json={"reason": "first"}, headers=tenant.headers).status_code == 200
    again = client.post(url, json={"reason": "second"}, headers=tenant.headers)
    assert again.status_code == 409
    assert "final" in again.json()["detail"]
    with database.unit_of_work() as session:
        row = session.get(Credential, uuid.UUID(issued["id"]))
        assert row is not None
        assert row.revocation_reason == "first"
    with database.unit_of_work() as session:
        entries = session.scalars(
            select(AuditEntry.action).where(AuditEntry.issuer_id == tenant.issuer_id)
        ).all()
    assert sorted(entries) == ["credential.issued", "credential.revoked"]  # one revocation


def test_a_reason_is_required(client: TestClient, database: Database, settings: Settings) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant)
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 1001}, None):
        response = client.post(f"{URL}/{issued['id']}/revoke", json=body, headers=tenant.headers)
        assert response.status_code == 422, body
    with database.unit_of_work() as session:
        row = session.get(Credential, uuid.UUID(issued["id"]))
        assert row is not None
        assert row.status == "active"
    missing = client.post(
        f"{URL}/{uuid.uuid4()}/revoke", json={"reason": "x"}, headers=tenant.headers
    )
    assert missing.status_code == 404
