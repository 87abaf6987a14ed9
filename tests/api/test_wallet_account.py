"""Privacy: a learner exports everything stored about them, and erases their account."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core import verify_credential
from credex.core.credentials.identity import hash_identity
from credex.db.models import AccountTombstone, ApiToken, AuditEntry, Credential, Learner, ShareLink
from credex.db.session import Database
from credex.settings import Settings
from credex.verification.documents import VerificationDocuments
from tests.api.test_issuance_support import count, issue
from tests.api.test_wallet_support import ANA, BOB, learner_headers, two_issuer_wallet, wallet_ids

ANA_HASH = hash_identity(ANA, None)


def test_the_account_export_holds_everything_stored_about_the_learner(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    link = client.post(
        f"/api/v1/wallet/credentials/{w.ana_ldp['id']}/share-links",
        json={"label": "HR"},
        headers=w.ana,
    ).json()
    response = client.get("/api/v1/wallet/account/export", headers=w.ana)
    assert response.status_code == 200
    data = response.json()
    assert data["email"] == ANA
    records = {r["issuer"]["name"]: r for r in data["learner_records"]}
    assert set(records) == {"Creative Skills Lab", "Heritage Academy"}
    assert records["Creative Skills Lab"]["name"] == "Ana Silva"
    assert records["Creative Skills Lab"]["email"] == ANA
    credentials = {c["id"]: c for c in data["credentials"]}
    assert set(credentials) == w.ana_ids
    assert credentials[w.ana_ldp["id"]]["credential"] == w.ana_ldp["credential"]
    assert credentials[w.ana_jwt["id"]]["credential"] == w.ana_jwt["jwt"]
    assert [s["id"] for s in data["share_links"]] == [link["id"]]
    assert len(data["tokens"]) == 1
    assert "token_hash" not in data["tokens"][0]
    assert data["imported_credentials"] == []
    assert BOB not in response.text


def test_deleting_the_account_erases_personal_data_and_keeps_credentials_verifiable(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    cid = w.ana_ldp["id"]
    client.post(
        f"/api/v1/wallet/credentials/{cid}/visibility", json={"public": True}, headers=w.ana
    )
    client.post(f"/api/v1/wallet/credentials/{cid}/share-links", json={}, headers=w.ana)
    response = client.delete("/api/v1/wallet/account", headers=w.ana)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["email_hash"] == ANA_HASH
    assert (result["learner_records"], result["credentials"]) == (2, 2)
    assert (result["tokens_revoked"], result["share_links_removed"]) == (1, 1)
    assert client.get("/api/v1/wallet/credentials", headers=w.ana).status_code == 401
    assert (
        client.get(f"/credentials/{cid}", headers={"Accept": "application/json"}).status_code == 404
    )
    with database.unit_of_work() as session:
        learners = session.scalars(select(Learner).where(Learner.email == ANA_HASH)).all()
        assert len(learners) == 2
        assert all((row.name, row.did, row.external_id) == (None, None, None) for row in learners)
        assert session.scalars(select(Learner).where(Learner.email == ANA)).all() == []
        bob = session.scalar(select(Learner).where(Learner.email == BOB))
        assert bob is not None
        assert bob.name == "Bob Ross"  # nobody else is touched
        tokens = session.scalars(select(ApiToken).where(ApiToken.role == "learner")).all()
        assert {t.learner_email for t in tokens} == {ANA_HASH, BOB}
        assert all(t.revoked_at for t in tokens if t.learner_email == ANA_HASH)
        stored = session.get(Credential, uuid.UUID(cid))
        assert stored is not None
        assert stored.document == w.ana_ldp["credential"]  # as signed, untouched
        assert stored.public is False
        report = verify_credential(stored.content, VerificationDocuments(session, settings, None))
        assert report.verified
        erased = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "learner.erased")
        ).all()
        assert {e.issuer_id for e in erased} == {w.tenant_a.issuer_id, w.tenant_b.issuer_id}
        assert all(ANA not in str(e.details) for e in erased)
        tombstone = session.scalar(select(AccountTombstone))
        assert tombstone is not None
        assert (tombstone.email_hash, tombstone.credentials) == (ANA_HASH, 2)
    assert count(database, ShareLink) == 0
    at_a = next(row for row in learners if row.issuer_id == w.tenant_a.issuer_id)
    learner = client.get(f"/api/v1/learners/{at_a.id}", headers=w.tenant_a.headers).json()
    assert learner["email"] == ANA_HASH  # the issuer keeps only the hash


def test_after_erasure_the_address_starts_afresh(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    assert client.delete("/api/v1/wallet/account", headers=w.ana).status_code == 200
    again = issue(client, w.tenant_a, ANA)
    assert wallet_ids(client, learner_headers(database, ANA)) == {again["id"]}


def test_only_a_learner_can_export_or_erase_an_account(
    client: TestClient, database: Database, settings: Settings, admin_headers: dict[str, str]
) -> None:
    w = two_issuer_wallet(client, database, settings)
    for headers in (admin_headers, w.tenant_a.headers):
        assert client.get("/api/v1/wallet/account/export", headers=headers).status_code == 403
        assert client.delete("/api/v1/wallet/account", headers=headers).status_code == 403
    assert client.delete("/api/v1/wallet/account").status_code == 401
    assert count(database, AccountTombstone) == 0
