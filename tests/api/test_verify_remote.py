"""Verification that needs other servers: status lists, controller documents, credential URLs.

A real local HTTP server stands in for third-party issuers; the app is allowed to reach private
addresses only where a test says so (`CREDEX_FETCH_ALLOW_PRIVATE`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.app import create_app
from credex.core import Ed25519Signer, sign_credential
from credex.core.status_list import StatusBits, build_status_entry, build_status_list_credential
from credex.db.session import Database
from credex.settings import Settings
from credex.verification.fetcher import clear_fetch_cache
from tests.api.test_fetcher import LocalServer, local_server
from tests.api.test_verify import outcomes
from tests.core.factories import ob_credential

SIGNER = Ed25519Signer.from_seed(bytes(range(32)))


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


@pytest.fixture
def open_client(settings: Settings, database: Database) -> Iterator[TestClient]:
    """The app with the private-address guard lifted, as tests of a closed network would."""
    clear_fetch_cache()
    opened = settings.model_copy(update={"fetch_allow_private": True})
    with TestClient(create_app(opened, database), raise_server_exceptions=False) as client:
        yield client
    clear_fetch_cache()


def status_list(server: LocalServer, *, revoked: set[int]) -> str:
    url = server.url("/status/1")
    bits = StatusBits()
    for index in revoked:
        bits.set(index, 1)
    unsigned = build_status_list_credential(
        list_id=url,
        issuer=SIGNER.controller,
        bits=bits,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
    )
    server.serve("/status/1", sign_credential(unsigned, SIGNER))
    return url


def with_status(url: str, index: int) -> dict[str, Any]:
    credential = ob_credential(
        SIGNER.controller, credentialStatus=build_status_entry(list_credential_url=url, index=index)
    )
    return sign_credential(credential, SIGNER)


def test_a_remote_status_list_is_fetched_verified_and_read(
    open_client: TestClient,
    server: LocalServer,
) -> None:
    url = status_list(server, revoked={7})
    active = open_client.post("/api/v1/verify", json={"credential": with_status(url, 3)}).json()
    assert active["verified"] is True, active
    assert outcomes(active)["status"] == "passed"
    assert active["credential"]["status"]["state"] == "active"
    revoked = open_client.post("/api/v1/verify", json={"credential": with_status(url, 7)}).json()
    assert revoked["verified"] is False
    assert outcomes(revoked)["status"] == "failed"
    assert revoked["credential"]["status"]["state"] == "revoked"
    assert server.hits.count("/status/1") == 1  # cached for the second credential


def test_a_status_list_that_cannot_be_fetched_is_an_error(
    client: TestClient,
    server: LocalServer,
) -> None:
    """Without the opt-in, the fetcher refuses the loopback address: error, not a crash."""
    url = status_list(server, revoked=set())
    body = client.post("/api/v1/verify", json={"credential": with_status(url, 3)}).json()
    assert body["verified"] is False
    status = next(check for check in body["checks"] if check["id"] == "status")
    assert status["outcome"] == "error"
    assert "is not allowed" in status["detail"]
    assert "127.0.0.1 is not allowed" in status["detail"]  # the URL's own host, nothing more
    assert "resolves" not in status["detail"]
    assert server.hits == []


def test_a_tampered_status_list_does_not_count(
    open_client: TestClient,
    server: LocalServer,
) -> None:
    url = status_list(server, revoked={7})
    document = json.loads(server.routes["/status/1"].body)
    document["credentialSubject"]["encodedList"] = StatusBits().encode()  # "un-revoke" all
    server.serve("/status/1", document)
    body = open_client.post("/api/v1/verify", json={"credential": with_status(url, 7)}).json()
    assert body["verified"] is False
    status = next(check for check in body["checks"] if check["id"] == "status")
    assert status["outcome"] == "error"
    assert "does not verify" in status["detail"]


def test_an_https_style_controller_document_is_dereferenced(
    open_client: TestClient,
    server: LocalServer,
) -> None:
    controller = server.url("/issuer")
    signer = Ed25519Signer.from_seed(
        bytes(range(32)), controller=controller, verification_method=f"{controller}#key-1"
    )
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": controller,
        "verificationMethod": [
            {
                "id": f"{controller}#key-1",
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": signer.public_key_multibase,
            }
        ],
        "assertionMethod": [f"{controller}#key-1"],
    }
    server.serve("/issuer", document)
    credential = sign_credential(ob_credential(controller), signer)
    body = open_client.post("/api/v1/verify", json={"credential": credential}).json()
    assert body["verified"] is True, body
    assert outcomes(body)["key_binding"] == "passed"


def test_a_credential_by_url(
    open_client: TestClient,
    client: TestClient,
    server: LocalServer,
) -> None:
    credential = sign_credential(ob_credential(SIGNER.controller), SIGNER)
    url = server.serve("/credentials/42", credential)
    body = open_client.post("/api/v1/verify", json={"url": url}).json()
    assert body["verified"] is True, body
    assert body["input"] == "url"
    refused = client.post("/api/v1/verify", json={"url": url}).json()
    assert refused["verified"] is False
    assert refused["checks"][0]["id"] == "format"
    assert refused["checks"][0]["outcome"] == "error"
    assert "could not be retrieved" in refused["checks"][0]["detail"]
    missing = open_client.post("/api/v1/verify", json={"url": server.url("/nothing")}).json()
    assert "HTTP 404" in missing["checks"][0]["detail"]
