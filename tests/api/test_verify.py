"""`POST /api/v1/verify`: every input form, own issuers resolved locally, reports not errors."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from credex.core import Ed25519Signer, sign_credential
from credex.core.baking import bake_png, bake_svg
from credex.core.proofs import add_proof
from credex.db.models import TrustedIssuer
from credex.db.session import Database
from credex.issuers.public import issuer_did
from credex.keys.signer import signer_for_issuer
from credex.settings import Settings
from tests.api.test_issuers import new_issuer
from tests.core.factories import ob_credential
from tests.core.test_verification import tiny_png

EMAIL = "learner@example.org"
CHECK_ORDER = [
    "format",
    "ob_schema",
    "contexts",
    "proof",
    "key_binding",
    "issuer",
    "validity",
    "status",
    "recipient",
]


def outcomes(body: dict[str, Any]) -> dict[str, str]:
    return {check["id"]: check["outcome"] for check in body["checks"]}


def issuer_credential(
    database: Database, settings: Settings, issuer_id: str, *, fmt: str = "ldp", **extra: Any
) -> Any:
    """An OB 3.0 credential signed with the stored key of one of this service's issuers."""
    did = issuer_did(uuid.UUID(issuer_id), settings.base_url)
    credential = ob_credential(did, email=EMAIL, **extra)
    with database.unit_of_work() as session:
        signer = signer_for_issuer(session, uuid.UUID(issuer_id), settings)
        if fmt == "jwt":
            return sign_credential(credential, signer, format="jwt")
        return sign_credential(credential, signer)


@pytest.fixture
def issuer(client: TestClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    return new_issuer(client, admin_headers, name="Matera Heritage School")


@pytest.fixture
def signed(database: Database, settings: Settings, issuer: dict[str, Any]) -> dict[str, Any]:
    credential: dict[str, Any] = issuer_credential(database, settings, issuer["id"])
    return credential


def test_a_credential_of_this_service_verifies_without_any_network(
    client: TestClient, signed: dict[str, Any], issuer: dict[str, Any]
) -> None:
    response = client.post("/api/v1/verify", json={"credential": signed})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True, body
    assert [check["id"] for check in body["checks"]] == CHECK_ORDER
    assert outcomes(body)["issuer"] == "passed"
    assert body["warnings"] == []
    assert body["format"] == "ldp"
    assert body["input"] == "credential"
    summary = body["credential"]
    assert summary["issuer"]["id"] == issuer["did"]
    assert summary["issuer"]["name"] == "Example Academy"
    assert summary["issuer"]["trust"]["status"] == "this-service"
    assert "Matera Heritage School" in summary["issuer"]["trust"]["label"]
    assert summary["achievement"]["name"] == "Digital storytelling"
    assert summary["status"]["state"] == "no_status"


def test_a_tampered_credential_is_a_200_with_a_failing_report(
    client: TestClient, signed: dict[str, Any]
) -> None:
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    response = client.post("/api/v1/verify", json={"credential": tampered})
    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is False
    assert outcomes(body)["proof"] == "failed"
    assert outcomes(body)["key_binding"] == "skipped"


def test_a_vc_jwt_verifies(
    client: TestClient, database: Database, settings: Settings, issuer: dict[str, Any]
) -> None:
    token = issuer_credential(database, settings, issuer["id"], fmt="jwt")
    body = client.post("/api/v1/verify", json={"jwt": token}).json()
    assert body["verified"] is True, body
    assert body["format"] == "jwt"
    assert body["input"] == "jwt"


def test_recipient_email_is_compared_with_the_hashed_identifier(
    client: TestClient, signed: dict[str, Any]
) -> None:
    good = client.post("/api/v1/verify", json={"credential": signed, "email": EMAIL}).json()
    assert outcomes(good)["recipient"] == "passed"
    assert good["verified"] is True
    bad = client.post(
        "/api/v1/verify", json={"credential": signed, "email": "someone@else.org"}
    ).json()
    assert outcomes(bad)["recipient"] == "failed"
    assert bad["verified"] is False


@pytest.mark.parametrize("kind", ["png", "svg", "json", "jwt"])
def test_uploaded_files_verify(
    client: TestClient,
    database: Database,
    settings: Settings,
    issuer: dict[str, Any],
    signed: dict[str, Any],
    kind: str,
) -> None:
    files = {
        "png": ("badge.png", bake_png(tiny_png(), signed), "image/png"),
        "svg": (
            "badge.svg",
            bake_svg('<svg xmlns="http://www.w3.org/2000/svg"></svg>', signed).encode(),
            "image/svg+xml",
        ),
        "json": ("credential.json", json.dumps(signed).encode(), "application/json"),
        "jwt": (
            "credential.jwt",
            issuer_credential(database, settings, issuer["id"], fmt="jwt").encode(),
            "text/plain",
        ),
    }
    response = client.post("/api/v1/verify", files={"file": files[kind]}, data={"email": EMAIL})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verified"] is True, body
    assert body["input"] == "file"
    assert body["container"] == {"png": "png", "svg": "svg", "json": "json", "jwt": "text"}[kind]
    assert outcomes(body)["recipient"] == "passed"


def test_an_unknown_issuer_is_a_warning_until_an_admin_trusts_it(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    signer = Ed25519Signer.from_seed(bytes(range(32)))
    credential = sign_credential(ob_credential(signer.controller), signer)
    first = client.post("/api/v1/verify", json={"credential": credential}).json()
    assert first["verified"] is True
    assert outcomes(first)["issuer"] == "failed"
    assert first["warnings"] == [next(c["detail"] for c in first["checks"] if c["id"] == "issuer")]
    assert first["credential"]["issuer"]["trust"]["status"] == "unknown"
    added = client.post(
        "/api/v1/trusted-issuers",
        json={"issuer": signer.controller, "name": "Partner academy"},
        headers=admin_headers,
    )
    assert added.status_code == 201
    second = client.post("/api/v1/verify", json={"credential": credential}).json()
    assert outcomes(second)["issuer"] == "passed"
    assert second["warnings"] == []
    assert second["credential"]["issuer"]["trust"]["status"] == "trusted-list"


def test_a_key_compromised_before_signing_fails_the_key_binding(
    client: TestClient,
    database: Database,
    settings: Settings,
    issuer: dict[str, Any],
    admin_headers: dict[str, str],
) -> None:
    before = issuer_credential(database, settings, issuer["id"])
    response = client.post(
        f"/api/v1/issuers/{issuer['id']}/keys/key-1/compromise",
        json={"since": "2020-01-01T00:00:00Z", "reason": "leaked"},
        headers=admin_headers,
    )
    assert response.status_code == 200, response.text
    body = client.post("/api/v1/verify", json={"credential": before}).json()
    assert body["verified"] is False
    assert outcomes(body)["key_binding"] == "failed"
    after_rotation = issuer_credential(database, settings, issuer["id"])  # signed with key-2
    assert client.post("/api/v1/verify", json={"credential": after_rotation}).json()["verified"]


def test_an_unknown_issuer_of_this_service_is_an_error_not_a_crash(
    client: TestClient, settings: Settings
) -> None:
    did = issuer_did(uuid.uuid4(), settings.base_url)
    signer = Ed25519Signer.from_seed(bytes(32), controller=did, verification_method=f"{did}#key-1")
    credential = sign_credential(ob_credential(did), signer)
    body = client.post("/api/v1/verify", json={"credential": credential}).json()
    assert body["verified"] is False
    proof = next(check for check in body["checks"] if check["id"] == "proof")
    assert proof["outcome"] == "error"
    assert "on this service" in proof["detail"]


def test_a_presentation_reports_each_credential(client: TestClient, signed: dict[str, Any]) -> None:
    holder = Ed25519Signer.from_seed(bytes(range(1, 33)))
    presentation = add_proof(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": holder.controller,
            "verifiableCredential": [signed],
        },
        holder,
        proof_purpose="authentication",
        challenge="c-123",
        domain="employer.example",
    )
    body = client.post(
        "/api/v1/verify",
        json={"presentation": presentation, "challenge": "c-123", "domain": "employer.example"},
    ).json()
    assert body["verified"] is True, body
    assert body["format"] == "presentation"
    assert body["holder"] == holder.controller
    assert [c["verified"] for c in body["credentials"]] == [True]
    assert body["credentials"][0]["credential"]["issuer"]["trust"]["status"] == "this-service"
    replay = client.post(
        "/api/v1/verify", json={"presentation": presentation, "challenge": "other"}
    ).json()
    assert replay["verified"] is False
    assert outcomes(replay)["proof"] == "failed"


def test_a_presentation_pasted_as_a_credential_is_recognised(
    client: TestClient, signed: dict[str, Any]
) -> None:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [signed],
    }
    body = client.post("/api/v1/verify", json={"credential": unsigned}).json()
    assert body["format"] == "presentation"
    assert body["verified"] is False  # an unsigned presentation proves nothing about its holder
    assert outcomes(body)["proof"] == "failed"
    assert body["credentials"][0]["verified"] is True


def trusted_count(database: Database) -> int:
    with database.session() as session:
        return int(session.scalar(select(func.count()).select_from(TrustedIssuer)) or 0)


@pytest.mark.parametrize(
    ("kwargs", "status", "fragment"),
    [
        ({"content": b""}, 400, "empty"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "JSON"),
        ({"content": b"<xml/>", "headers": {"content-type": "application/xml"}}, 400, "send"),
        ({"json": {}}, 422, "exactly one"),
        ({"json": {"credential": {}, "jwt": "a.b.c"}}, 422, "exactly one"),
        ({"json": {"credential": {}, "colour": "red"}}, 422, "Extra inputs"),
        ({"json": {"jwt": 42}}, 422, "string"),
        ({"json": ["a", "list"]}, 422, "dictionary"),
        ({"data": {"email": "a@b.org"}}, 400, "send application/json"),
    ],
)
def test_unreadable_requests_are_problems(
    client: TestClient,
    database: Database,
    kwargs: dict[str, Any],
    status: int,
    fragment: str,
) -> None:
    before = trusted_count(database)
    response = client.post("/api/v1/verify", **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    text = problem["detail"] + json.dumps(problem.get("errors", []))
    assert fragment in text
    if status == 422:
        assert problem["errors"], problem
    assert trusted_count(database) == before


def test_an_upload_without_a_file_names_the_field(client: TestClient) -> None:
    response = client.post(
        "/api/v1/verify", files={"other": ("x.txt", b"x", "text/plain")}, data={"email": "a@b.c"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"pointer": "/file", "detail": "a file is required"}]


def test_an_oversized_body_is_413(client: TestClient) -> None:
    big = b'{"jwt": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/verify", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["status"] == 413
    upload = client.post(
        "/api/v1/verify",
        files={"file": ("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), "image/png")},
    )
    assert upload.status_code == 413


def test_verification_is_rate_limited_per_client(
    settings: Settings, database: Database, signed: dict[str, Any]
) -> None:
    from credex.app import create_app

    limited = settings.model_copy(update={"verify_rate_limit_per_minute": 2})
    with TestClient(create_app(limited, database), raise_server_exceptions=False) as client:
        for _ in range(2):
            assert client.post("/api/v1/verify", json={"credential": signed}).status_code == 200
        response = client.post("/api/v1/verify", json={"credential": signed})
        assert response.status_code == 429
        assert response.headers["content-type"] == "application/problem+json"
        retry_after = int(response.headers["retry-after"])
        assert 1 <= retry_after <= 30
        assert response.json()["retry_after"] == retry_after
        assert response.json()["type"].endswith("/problems/rate-limited")


def test_endorsements_are_verified_and_reported(client: TestClient, signed: dict[str, Any]) -> None:
    endorser = Ed25519Signer.from_seed(bytes(range(2, 34)))
    endorsement = sign_credential(
        {
            "@context": signed["@context"],
            "id": "urn:uuid:0c6a4bb5-6e1c-4c1a-9d93-3f8e7b1d2a10",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Endorsed by the regional museum network",
            "issuer": {"id": endorser.controller, "type": ["Profile"], "name": "Museum network"},
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "https://example.org/achievements/1",
                "type": ["EndorsementSubject"],
                "endorsementComment": "Taught to our curators.",
            },
        },
        endorser,
    )
    holder = Ed25519Signer.from_seed(bytes(range(32)))
    credential = sign_credential(
        ob_credential(holder.controller, endorsement=[endorsement]), holder
    )
    body = client.post("/api/v1/verify", json={"credential": credential}).json()
    assert body["verified"] is True, body
    assert outcomes(body)["endorsements"] == "passed"
    assert [e["verified"] for e in body["endorsements"]] == [True]
    assert body["endorsements"][0]["credential"]["issuer"]["name"] == "Museum network"
    endorsement["name"] = "Tampered"
    tampered = sign_credential(ob_credential(holder.controller, endorsement=[endorsement]), holder)
    second = client.post("/api/v1/verify", json={"credential": tampered}).json()
    assert second["verified"] is True  # an endorsement that fails is a warning
    assert outcomes(second)["endorsements"] == "failed"
    assert [e["verified"] for e in second["endorsements"]] == [False]


def test_the_summary_reads_other_issuers_micro_credential_terms(client: TestClient) -> None:
    """SURF Edubadges: `ECTS` and an `ext:EQF` alignment; unsigned, so not verified."""
    path = "tests/core/vectors/edubadges-obv3-microcredential/theed_microcredential_full_ho.json"
    with open(path, encoding="utf-8") as handle:
        edubadge = json.load(handle)
    body = client.post("/api/v1/verify", json={"credential": edubadge}).json()
    assert body["verified"] is False
    summary = body["credential"]
    assert summary["eqf_level"] == 4
    assert summary["ects"] == "3"
    assert summary["issuer"]["name"] == "Naboo Theed University"
    assert summary["issuer"]["country"] == "XX"
    assert summary["valid_until"] == "2029-08-30T00:00:00Z"


def test_a_learner_name_is_shown_only_when_stated_in_the_clear(client: TestClient) -> None:
    signer = Ed25519Signer.from_seed(bytes(range(32)))
    credential = ob_credential(signer.controller)
    credential["credentialSubject"]["identifier"].append(
        {
            "type": "IdentityObject",
            "hashed": False,
            "identityHash": "Ana Silva",
            "identityType": "name",
        }
    )
    body = client.post(
        "/api/v1/verify", json={"credential": sign_credential(credential, signer)}
    ).json()
    assert body["verified"] is True, body
    assert body["credential"]["learner"]["name"] == "Ana Silva"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/c.json"])
def test_only_web_addresses_are_fetched(client: TestClient, url: str) -> None:
    body = client.post("/api/v1/verify", json={"url": url}).json()
    assert body["verified"] is False
    assert "only http and https" in body["checks"][0]["detail"]
