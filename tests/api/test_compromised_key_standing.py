"""One status for one credential when its issuer's key was compromised (issue 17): a credential
signed at or after the reported compromise reads the same, "not verified", in the verify API,
the wallet API and the credential page; one signed before it stays valid everywhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_employer_pages import page, wallet_item
from tests.api.test_issuance_support import Tenant, issue, make_tenant
from tests.api.test_wallet_support import learner_headers

WORDS = "Signed with a key Creative Skills Lab reported stolen or compromised"


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


def compromise(client: TestClient, tenant: Tenant, since: datetime) -> None:
    response = client.post(
        f"/api/v1/issuers/{tenant.issuer_id}/keys/key-1/compromise",
        json={"since": since.isoformat(), "reason": "laptop stolen"},
        headers=tenant.headers,
    )
    assert response.status_code == 200, response.text


def verify(client: TestClient, issued: dict[str, Any]) -> dict[str, Any]:
    body = (
        {"credential": issued["credential"]} if issued.get("credential") else {"jwt": issued["jwt"]}
    )
    response = client.post("/api/v1/verify", json=body)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("credential_format", ["ldp", "jwt"])
def test_signed_after_the_compromise_reads_not_verified_everywhere(
    client: TestClient, database: Database, tenant: Tenant, credential_format: str
) -> None:
    issued = issue(client, tenant, public=True, format=credential_format)
    ana = learner_headers(database)
    assert wallet_item(client, ana, issued["id"])["status"] == "active"
    compromise(client, tenant, datetime.now(UTC) - timedelta(hours=1))

    report = verify(client, issued)
    assert report["verified"] is False
    assert report["standing"] == {"state": "not_verified", "label": "Not verified", "words": WORDS}
    item = wallet_item(client, ana, issued["id"])
    assert (item["status"], item["status_words"]) == ("not_verified", WORDS)
    listed = client.get("/api/v1/wallet/credentials", headers=ana).json()
    rows = listed["items"] if isinstance(listed, dict) else listed
    assert [row["status"] for row in rows if row["id"] == issued["id"]] == ["not_verified"]
    html = page(client, f"/credentials/{issued['id']}")
    assert f'data-standing="not_verified">{WORDS}</p>' in html


def test_signed_before_the_compromise_stays_valid_everywhere(
    client: TestClient, database: Database, tenant: Tenant
) -> None:
    issued = issue(client, tenant, public=True)
    compromise(client, tenant, datetime.now(UTC) + timedelta(seconds=1))

    report = verify(client, issued)
    assert (report["verified"], report["standing"]["words"]) == (True, "Valid")
    item = wallet_item(client, learner_headers(database), issued["id"])
    assert (item["status"], item["status_words"]) == ("active", "Valid")
    html = page(client, f"/credentials/{issued['id']}")
    assert 'data-standing="active">Valid</p>' in html


def test_another_issuers_compromise_changes_nothing(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    other = make_tenant(database, settings)
    issued = issue(client, tenant, public=True)
    compromise(client, other, datetime.now(UTC) - timedelta(hours=1))
    item = wallet_item(client, learner_headers(database), issued["id"])
    assert (item["status"], item["status_words"]) == ("active", "Valid")
