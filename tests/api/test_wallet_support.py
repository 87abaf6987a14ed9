"""Shared set-up for the wallet and sign-in tests (no tests here).

A person is one address across issuers: `two_issuer_wallet` issues Ana one Data Integrity
credential at issuer A and one VC-JWT at issuer B, and Bob one at A, so every wallet test can
check both formats, both issuers and the boundary between two people.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, auth, issue, make_tenant
from tests.conftest import make_token

ANA = "ana@example.org"
BOB = "bob@example.org"


def learner_headers(database: Database, email: str = ANA) -> dict[str, str]:
    return auth(make_token(database, role="learner", name="wallet test", learner_email=email))


@dataclass
class Wallets:
    tenant_a: Tenant
    tenant_b: Tenant
    ana_ldp: dict[str, Any]  # issued at A
    ana_jwt: dict[str, Any]  # issued at B
    bob_ldp: dict[str, Any]  # issued at A
    ana: dict[str, str]
    bob: dict[str, str]

    @property
    def ana_ids(self) -> set[str]:
        return {self.ana_ldp["id"], self.ana_jwt["id"]}


def two_issuer_wallet(client: TestClient, database: Database, settings: Settings) -> Wallets:
    tenant_a = make_tenant(database, settings, "Creative Skills Lab")
    tenant_b = make_tenant(database, settings, "Heritage Academy")
    ana_ldp = issue(client, tenant_a, ANA)
    ana_jwt = issue(client, tenant_b, "  Ana@Example.ORG ", format="jwt")
    bob_ldp = issue(client, tenant_a, BOB, learner={"email": BOB, "name": "Bob Ross"})
    return Wallets(
        tenant_a,
        tenant_b,
        ana_ldp,
        ana_jwt,
        bob_ldp,
        learner_headers(database, ANA),
        learner_headers(database, BOB),
    )


def wallet_ids(client: TestClient, headers: dict[str, str]) -> set[str]:
    response = client.get("/api/v1/wallet/credentials", headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def random_id() -> str:
    return str(uuid.uuid4())
