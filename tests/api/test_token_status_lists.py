"""IETF Token Status Lists over HTTP: every credential has an entry (single, bulk, stacked), the
signed `statuslist+jwt` decodes to the record's one status after revoke, suspend, reinstate.

The tokens are read as a relying party would: the issuer's key from
`/.well-known/jwt-vc-issuer/issuers/{id}`, then `credex.core.token_status.read_status_list_token`
(signature, `typ`, `sub`, `exp`), then the entry at the credential's index.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.core.jose import unverified_header
from credex.core.status_list import StatusBits
from credex.core.token_status import INVALID, SUSPENDED, VALID, read_status_list_token
from credex.db.models import AuditEntry, Award, Credential
from credex.db.session import Database
from credex.jobs.runner import run_pending_jobs
from credex.settings import Settings
from tests.api.test_batch import BATCH, issued, job_of
from tests.api.test_issuance_support import Tenant, fetch, issue, make_tenant
from tests.api.test_stacking_support import create_rule, issue_component, leaf, make_stack

URL = "/api/v1/credentials"


def issuer_key(client: TestClient, issuer_id: uuid.UUID, kid: str) -> dict[str, Any]:
    metadata = client.get(f"/.well-known/jwt-vc-issuer/issuers/{issuer_id}").json()
    assert metadata["issuer"] == f"http://testserver/issuers/{issuer_id}"
    [key] = [k for k in metadata["jwks"]["keys"] if k["kid"] == kid]
    return {k: v for k, v in key.items() if k in ("kty", "crv", "x", "y")}


def token_status(client: TestClient, tenant: Tenant, credential_id: str) -> int:
    """The credential's entry in its Token Status List, read as a relying party would."""
    detail = client.get(f"{URL}/{credential_id}", headers=tenant.headers).json()
    uri, index = detail["token_status_list"], detail["token_status_index"]
    response = fetch(client, uri, headers={"Accept": "application/statuslist+jwt"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/statuslist+jwt"
    token = response.text
    header = unverified_header(token)
    assert header["alg"] == "ES256"
    key = issuer_key(client, tenant.issuer_id, header["kid"])
    read = read_status_list_token(token, key, uri=uri, now=datetime.now(UTC))
    assert read.payload["iss"] == f"http://testserver/issuers/{tenant.issuer_id}"
    assert read.status_list.bits == 2
    return read.status(index)


def bitstring_bit(client: TestClient, credential: dict[str, Any]) -> int:
    entry = credential["credentialStatus"]
    listed = fetch(client, entry["statusListCredential"]).json()
    bits = StatusBits.decode(listed["credentialSubject"]["encodedList"])
    return bits.get(int(entry["statusListIndex"]))


def change(client: TestClient, tenant: Tenant, credential_id: str, action: str) -> Any:
    return client.post(
        f"{URL}/{credential_id}/{action}", json={"reason": f"{action} test"}, headers=tenant.headers
    )


def test_suspend_reinstate_then_revoke_decode_to_the_right_values(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued_now = issue(client, tenant)
    credential_id = issued_now["id"]
    assert token_status(client, tenant, credential_id) == VALID

    suspended = change(client, tenant, credential_id, "suspend")
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["suspended_at"] is not None
    assert token_status(client, tenant, credential_id) == SUSPENDED
    assert bitstring_bit(client, issued_now["credential"]) == 0  # OB 3.0: revocation only
    listed = client.get(URL, params={"status": "suspended"}, headers=tenant.headers).json()
    assert [item["id"] for item in listed["items"]] == [credential_id]

    reinstated = change(client, tenant, credential_id, "reinstate")
    assert reinstated.status_code == 200
    assert reinstated.json()["status"] == "active"
    assert token_status(client, tenant, credential_id) == VALID

    revoked = change(client, tenant, credential_id, "revoke")
    assert revoked.json()["status"] == "revoked"
    assert token_status(client, tenant, credential_id) == INVALID
    assert bitstring_bit(client, issued_now["credential"]) == 1  # both forms, one transaction
    with database.unit_of_work() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.credential_id == uuid.UUID(credential_id))
        ).all()
    assert sorted(actions) == sorted(
        ["credential.issued", "credential.suspended", "credential.reinstated", "credential.revoked"]
    )


def test_a_suspended_credential_can_be_revoked(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    credential_id = issue(client, tenant)["id"]
    assert change(client, tenant, credential_id, "suspend").status_code == 200
    assert change(client, tenant, credential_id, "revoke").status_code == 200
    assert token_status(client, tenant, credential_id) == INVALID


def test_transitions_that_make_no_sense_are_refused(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    credential_id = issue(client, tenant)["id"]
    refused = change(client, tenant, credential_id, "reinstate")
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    assert change(client, tenant, credential_id, "suspend").status_code == 200
    assert change(client, tenant, credential_id, "suspend").status_code == 409
    for body in ({}, {"reason": "  "}):
        response = client.post(
            f"{URL}/{credential_id}/reinstate", json=body, headers=tenant.headers
        )
        assert response.status_code == 422
    assert change(client, tenant, credential_id, "revoke").status_code == 200
    for action in ("suspend", "reinstate"):
        assert change(client, tenant, credential_id, action).status_code == 409
    assert token_status(client, tenant, credential_id) == INVALID
    other = make_tenant(database, settings, "Other Academy")
    theirs = issue(client, other)["id"]
    assert change(client, tenant, theirs, "suspend").status_code == 404
    assert token_status(client, other, theirs) == VALID


def test_the_token_is_cacheable_and_lists_are_not_mixed_up(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued_now = issue(client, tenant)
    detail = client.get(f"{URL}/{issued_now['id']}", headers=tenant.headers).json()
    token_url = detail["token_status_list"]
    first = fetch(client, token_url)
    assert first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["access-control-allow-origin"] == "*"
    again = fetch(client, token_url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert fetch(client, token_url).text == first.text  # not re-signed while nothing changed
    change(client, tenant, issued_now["id"], "suspend")
    assert (
        fetch(client, token_url, headers={"If-None-Match": first.headers["etag"]}).status_code
        == 200
    )
    bitstring_url = issued_now["credential"]["credentialStatus"]["statusListCredential"]
    token_id = token_url.rsplit("/", 1)[1]
    bitstring_id = bitstring_url.rsplit("/", 1)[1]
    assert client.get(f"/status-lists/{token_id}").status_code == 404
    assert client.get(f"/token-status-lists/{bitstring_id}").status_code == 404


def test_bulk_and_single_issuance_draw_distinct_random_entries(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    single = issue(client, tenant)
    items = [{"learner": {"email": f"bulk{n}@example.org"}} for n in range(12)]
    response = client.post(
        BATCH,
        json={"items": items, "achievement_id": str(tenant.achievement_id)},
        headers=tenant.headers,
    )
    job_id = response.json()["job_id"]
    assert run_pending_jobs(database, settings) == [uuid.UUID(job_id)]
    assert job_of(client, tenant, job_id)["done"] == 12
    credentials = list(issued(database, job_id).values())
    with database.unit_of_work() as session:
        first = session.get(Credential, uuid.UUID(single["id"]))
        assert first is not None
        entries = {(c.token_list_id, c.token_index) for c in [*credentials, first]}
        bitstring = {(c.status_list_id, c.status_index) for c in [*credentials, first]}
    assert len(entries) == 13
    assert len({list_id for list_id, _ in entries}) == 1
    assert None not in {index for _, index in entries}
    assert {i for _, i in entries} != {i for _, i in bitstring}  # drawn independently
    bulk_id = str(credentials[0].id)
    assert change(client, tenant, bulk_id, "suspend").status_code == 200
    assert token_status(client, tenant, bulk_id) == SUSPENDED
    assert token_status(client, tenant, single["id"]) == VALID


def test_a_stacked_credential_gets_its_own_entry(
    client: TestClient, database: Database, settings: Settings
) -> None:
    stack = make_stack(database, settings)
    requirement = {"type": "n_of", "n": 1, "of": [leaf(stack.component_ids[0])]}
    create_rule(client, stack, requirement)
    component = issue_component(client, stack, 0, email="first@example.org")
    with database.unit_of_work() as session:
        award = session.scalars(select(Award)).one()
        stacked = session.get(Credential, award.credential_id)
        first = session.get(Credential, uuid.UUID(component["id"]))
        assert stacked is not None
        assert first is not None
        assert stacked.token_list_id == first.token_list_id is not None
        assert stacked.token_index is not None
        assert stacked.token_index != first.token_index
