"""The public, signed BitstringStatusListCredential: shape, proof, caching, lazy re-signing."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from credex.core import verify_credential
from credex.core.dids import did_web_to_url
from credex.core.status_list import MIN_ENTRIES, StatusBits
from credex.db.session import Database
from credex.settings import Settings
from credex.status_lists.service import status_list_credential
from tests.api.test_issuance_support import Tenant, fetch, issue, make_tenant


def _list_url(client: TestClient, tenant: Tenant) -> str:
    url: str = issue(client, tenant)["credential"]["credentialStatus"]["statusListCredential"]
    return url


def _proof_outcome(client: TestClient, document: dict[str, Any]) -> str:
    did = document["issuer"]
    did_document = client.get(f"/issuers/{did.rsplit(':', 1)[-1]}/did.json").json()
    report = verify_credential(document, documents={did_web_to_url(did): did_document})
    return {check.id: check.outcome for check in report.checks}["proof"]


def test_the_list_is_a_signed_bitstring_status_list_credential(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    url = _list_url(client, tenant)
    response = fetch(client, url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vc+ld+json"
    assert response.headers["cache-control"] == "public, max-age=300"
    document = response.json()
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["id"] == url
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == f"did:web:testserver:issuers:{tenant.issuer_id}"
    assert document["validFrom"].endswith("Z")
    subject = document["credentialSubject"]
    assert subject["id"] == f"{url}#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["ttl"] == 300_000  # ms, matching Cache-Control max-age
    bits = StatusBits.decode(subject["encodedList"])
    assert bits.size == MIN_ENTRIES
    assert not any(bits.to_bytes())
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert _proof_outcome(client, document) == "passed"


def test_unchanged_lists_are_not_re_signed_and_revalidate_with_304(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    url = _list_url(client, tenant)
    first = fetch(client, url)
    etag = first.headers["etag"]
    issue(client, tenant, "other@example.org")  # new credentials set no bit: nothing to re-sign
    again = fetch(client, url)
    assert again.headers["etag"] == etag
    assert again.content == first.content
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = fetch(client, url, headers={"If-None-Match": header})
        assert cached.status_code == 304
        assert cached.headers["etag"] == etag
        assert cached.content == b""
    assert fetch(client, url, headers={"If-None-Match": '"stale"'}).status_code == 200
    list_id = uuid.UUID(url.rsplit("/", 1)[-1])
    with database.unit_of_work() as session:
        document, helper_etag = status_list_credential(session, list_id, settings)
    assert (document, helper_etag) == (first.json(), etag)


def test_a_revocation_re_signs_the_list_with_the_bit_set(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant)
    entry = issued["credential"]["credentialStatus"]
    before = fetch(client, entry["statusListCredential"])
    revoked = client.post(
        f"/api/v1/credentials/{issued['id']}/revoke",
        json={"reason": "fraud"},
        headers=tenant.headers,
    )
    assert revoked.status_code == 200
    after = fetch(client, entry["statusListCredential"])
    assert after.headers["etag"] != before.headers["etag"]
    assert (
        fetch(
            client, entry["statusListCredential"], headers={"If-None-Match": before.headers["etag"]}
        ).status_code
        == 200
    )
    bits = StatusBits.decode(after.json()["credentialSubject"]["encodedList"])
    index = int(entry["statusListIndex"])
    assert bits.get(index) == 1
    assert sum(bin(byte).count("1") for byte in bits.to_bytes()) == 1
    assert _proof_outcome(client, after.json()) == "passed"


def test_a_key_rotation_re_signs_with_the_new_key(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    url = _list_url(client, tenant)
    assert fetch(client, url).json()["proof"]["verificationMethod"].endswith("#key-1")
    rotated = client.post(f"/api/v1/issuers/{tenant.issuer_id}/keys/rotate", headers=tenant.headers)
    assert rotated.status_code == 201
    document = fetch(client, url).json()
    # key-2 is the issuer's P-256 key; the rotation's new Ed25519 key is key-3
    assert document["proof"]["verificationMethod"] == rotated.json()["verification_method"]
    assert document["proof"]["verificationMethod"].endswith("#key-3")
    assert _proof_outcome(client, document) == "passed"


def test_unknown_lists_are_404(client: TestClient) -> None:
    response = client.get(f"/status-lists/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/status-lists/not-a-uuid").status_code == 422
