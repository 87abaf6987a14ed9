"""Status through the VC-API (issue 13 §4): `options.credentialStatus` on issue allocates
Bitstring Status List entries from credex's lists, `POST /credentials/status` sets them, and
verification reads them from the signed list (revocation, suspension, and messages with
`statusSize` > 1, `statusMessage` and `statusReference`)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from credex.core.status_list import StatusBits
from credex.db.models import StatusEntry
from credex.db.session import Database
from tests.api.test_issuance_support import count
from tests.api.test_vcapi import BASIC, issue, tenant, verify
from tests.core.factories import ob_credential

__all__ = ["tenant"]

CREDENTIAL_ID = "urn:uuid:0b7a2f6e-3c55-4a0e-9c8e-2f1d7e3a9b41"
REVOCATION = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"}
SUSPENSION = {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}
MESSAGES = [
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "under review"},
    {"status": "0x2", "message": "expired membership"},
    {"status": "0x3", "message": "withdrawn"},
]
MESSAGE = {
    "type": "BitstringStatusListEntry",
    "statusPurpose": "message",
    "statusSize": 2,
    "statusMessage": MESSAGES,
    "statusReference": "https://example.org/status-codes",
}


def set_status(
    client: TestClient, tenant: dict[str, Any], purpose: str, status: Any, credential_id: str
) -> Any:
    body = {
        "credentialId": credential_id,
        "credentialStatus": [{"statusPurpose": purpose, "status": status}],
    }
    return client.post("/credentials/status", json=body, headers=tenant["headers"])


def status_checks(client: TestClient, credential: dict[str, Any]) -> list[dict[str, Any]]:
    response = verify(client, credential)
    return [c for c in response.json()["report"]["checks"] if c["id"] == "status"]


def test_revocation_and_suspension_entries_are_allocated_and_set(
    client: TestClient, tenant: dict[str, Any], database: Database
) -> None:
    response = issue(
        client,
        tenant,
        BASIC | {"id": CREDENTIAL_ID},
        credentialStatus=[REVOCATION, SUSPENSION],
    )
    assert response.status_code == 201, response.text
    signed = response.json()["verifiableCredential"]
    revocation, suspension = signed["credentialStatus"]
    assert revocation["statusPurpose"] == "revocation"
    assert suspension["statusPurpose"] == "suspension"
    assert revocation["statusListCredential"] != suspension["statusListCredential"]
    assert count(database, StatusEntry) == 2
    assert verify(client, signed, ["proof", "status"]).status_code == 200

    suspended = set_status(client, tenant, "suspension", 1, CREDENTIAL_ID)
    assert suspended.status_code == 200, suspended.text
    refused = verify(client, signed, ["proof", "status"])
    assert refused.status_code == 422
    assert "suspended" in refused.json()["detail"]
    assert set_status(client, tenant, "suspension", "0x0", CREDENTIAL_ID).status_code == 200
    assert verify(client, signed, ["proof", "status"]).status_code == 200

    assert set_status(client, tenant, "revocation", True, CREDENTIAL_ID).status_code == 200
    assert verify(client, signed, ["proof", "status"]).status_code == 422
    final = set_status(client, tenant, "revocation", 0, CREDENTIAL_ID)
    assert final.status_code == 409  # revocation is final


def test_messages_with_a_larger_status_size(client: TestClient, tenant: dict[str, Any]) -> None:
    signed = issue(client, tenant, BASIC, credentialStatus=MESSAGE).json()["verifiableCredential"]
    entry = signed["credentialStatus"]
    assert (entry["statusSize"], entry["statusMessage"]) == (2, MESSAGES)
    assert entry["statusReference"] == "https://example.org/status-codes"
    assert "valid" in status_checks(client, signed)[0]["detail"]
    assert set_status(client, tenant, "message", "0x2", signed["id"]).status_code == 200
    [check] = status_checks(client, signed)
    assert (check["outcome"], "expired membership" in check["detail"]) == ("passed", True)
    listed = client.get(entry["statusListCredential"]).json()["credentialSubject"]
    bits = StatusBits.decode(listed["encodedList"], 2)
    assert bits.get(int(entry["statusListIndex"])) == 2
    assert listed["ttl"] > 0
    too_big = set_status(client, tenant, "message", 4, signed["id"])
    assert too_big.status_code == 422


def test_bad_status_requests(
    client: TestClient, tenant: dict[str, Any], database: Database
) -> None:
    wrong_type = issue(client, tenant, BASIC, credentialStatus={"type": "StatusList2021Entry"})
    assert wrong_type.status_code == 400
    big_revocation = issue(client, tenant, BASIC, credentialStatus=REVOCATION | {"statusSize": 2})
    assert big_revocation.status_code == 400
    bad_reference = issue(client, tenant, BASIC, credentialStatus=MESSAGE | {"statusReference": 7})
    assert bad_reference.status_code == 400
    no_messages = issue(client, tenant, BASIC, credentialStatus=MESSAGE | {"statusMessage": []})
    assert no_messages.status_code == 422
    open_badge = ob_credential(tenant["did"])
    two = issue(client, tenant, open_badge, credentialStatus=[REVOCATION, SUSPENSION])
    assert two.status_code == 422  # an OB 3.0 credential keeps a single entry
    assert count(database, StatusEntry) == 0  # nothing half-written
    one = issue(client, tenant, open_badge, credentialStatus=REVOCATION)
    assert one.status_code == 201, one.text
    assert isinstance(one.json()["verifiableCredential"]["credentialStatus"], dict)
    unknown = set_status(client, tenant, "revocation", 1, "urn:uuid:not-issued-here")
    assert unknown.status_code == 404
    anonymous = client.post("/credentials/status", json={"credentialId": CREDENTIAL_ID})
    assert anonymous.status_code == 401
