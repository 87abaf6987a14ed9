"""OID4VCI 1.0 pre-authorized flow, driven by the spec-written test wallet over HTTP."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.db.models import CredentialDelivery
from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, auth, issue, make_tenant, verify
from tests.wallet.oid4vci_wallet import HolderKey, Wallet, jwt_claims

ISSUER_ORIGIN = "http://testserver"
PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


@pytest.fixture
def tenant(database: Database, settings: Settings) -> Tenant:
    return make_tenant(database, settings)


def offer_for(client: TestClient, tenant: Tenant, credential: dict[str, Any], **body: Any) -> Any:
    credential_id = credential["id"]
    response = client.post(
        f"/api/v1/credentials/{credential_id}/offers", json=body or None, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def started(client: TestClient, tenant: Tenant, **body: Any) -> tuple[Wallet, dict[str, Any], Any]:
    credential = issue(client, tenant)
    created = offer_for(client, tenant, credential, **body)
    wallet = Wallet(client)
    offer = wallet.resolve_offer(created["credential_offer_uri"])
    assert set(offer) == {"credential_issuer", "credential_configuration_ids", "grants"}
    assert offer["grants"]["authorization_code"] == {}
    return wallet, offer, created


def test_metadata_lists_every_form_of_each_achievement(client: TestClient, tenant: Tenant) -> None:
    wallet = Wallet(client)
    identifier = f"{ISSUER_ORIGIN}/issuers/{tenant.issuer_id}"
    metadata = wallet.issuer_metadata(identifier)
    configs = metadata["credential_configurations_supported"]
    ldp = configs[f"{tenant.achievement_id}_ldp_vc"]
    assert ldp["format"] == "ldp_vc"
    assert ldp["credential_definition"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "@context" in ldp["credential_definition"]
    assert ldp["credential_metadata"]["display"][0] == {
        "name": "Digital storytelling for cultural heritage",
        "locale": "en",
        "description": "Tell heritage stories digitally.",
    }
    jwt_vc = configs[f"{tenant.achievement_id}_jwt_vc_json"]
    assert jwt_vc["format"] == "jwt_vc_json"
    assert jwt_vc["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == [
        "ES256",
        "EdDSA",
    ]
    assert "@context" not in jwt_vc["credential_definition"]
    server = wallet.as_metadata(metadata)
    assert "urn:ietf:params:oauth:grant-type:pre-authorized_code" in server["grant_types_supported"]
    assert server["code_challenge_methods_supported"] == ["S256"]
    assert server["require_pushed_authorization_requests"] is True
    assert (
        client.get("/.well-known/openid-credential-issuer/issuers/" + "0" * 32).status_code == 404
    )
    service = wallet.issuer_metadata(ISSUER_ORIGIN)
    assert service["credential_configurations_supported"][f"{tenant.achievement_id}_ldp_vc"] == ldp


def test_pre_authorized_flow_with_tx_code_delivers_every_form(
    client: TestClient, tenant: Tenant
) -> None:
    credential = issue(client, tenant)
    created = offer_for(client, tenant, credential)
    assert created["offer_url"].startswith(f"{ISSUER_ORIGIN}/oid4vci/offers/")
    assert created["tx_code"].isdigit()
    assert len(created["tx_code"]) == 6
    wallet = Wallet(client)
    offer = wallet.resolve_offer(created["credential_offer_uri"])
    assert (
        offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["tx_code"]["length"]
        == 6
    )
    metadata = wallet.issuer_metadata(offer["credential_issuer"])
    assert set(offer["credential_configuration_ids"]) <= set(
        metadata["credential_configurations_supported"]
    )
    token = wallet.pre_authorized_token(wallet.as_metadata(metadata), offer, created["tx_code"])
    assert token.status_code == 200, token.text
    assert token.headers["cache-control"] == "no-store"
    access = token.json()
    assert access["token_type"] == "Bearer"
    assert "c_nonce" not in access

    ldp = wallet.fetch(metadata, access["access_token"], f"{tenant.achievement_id}_ldp_vc")
    assert ldp["credentials"][0]["credential"] == credential["credential"]  # as issued
    as_jwt = wallet.fetch(metadata, access["access_token"], f"{tenant.achievement_id}_jwt_vc_json")
    compact = as_jwt["credentials"][0]["credential"]
    assert isinstance(compact, str)
    assert jwt.get_unverified_header(compact)["alg"] == "ES256"
    claims = jwt_claims(compact)
    assert claims["sub"] == wallet.key.did_jwk
    assert claims["credentialSubject"]["id"] == wallet.key.did_jwk
    assert (
        claims["credentialSubject"]["achievement"]
        == credential["credential"]["credentialSubject"]["achievement"]
    )
    assert "proof" not in claims
    checks = verify(client, compact, claims)
    required = ("format", "ob_schema", "contexts", "proof", "key_binding", "validity", "status")
    assert all(checks[name] == "passed" for name in required), checks

    notified = client.post(
        "/oid4vci/notification",
        json={"notification_id": as_jwt["notification_id"], "event": "credential_accepted"},
        headers=auth(access["access_token"]),
    )
    assert notified.status_code == 204, notified.text
    unknown = client.post(
        "/oid4vci/notification",
        json={"notification_id": "nope", "event": "credential_accepted"},
        headers=auth(access["access_token"]),
    )
    assert unknown.json()["error"] == "invalid_notification_id"


def test_pre_authorized_flow_without_tx_code_and_an_eddsa_key(
    client: TestClient, tenant: Tenant, database: Database
) -> None:
    wallet, offer, created = started(client, tenant, tx_code=False)
    assert created["tx_code"] is None
    assert "tx_code" not in offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    wallet = Wallet(client, alg="EdDSA")
    metadata = wallet.issuer_metadata(offer["credential_issuer"])
    token = wallet.pre_authorized_token(wallet.as_metadata(metadata), offer)
    assert token.status_code == 200, token.text
    result = wallet.fetch(
        metadata, token.json()["access_token"], f"{tenant.achievement_id}_jwt_vc_json"
    )
    assert jwt_claims(result["credentials"][0]["credential"])["sub"] == wallet.key.did_jwk
    with database.unit_of_work() as session:
        delivery = session.scalars(select(CredentialDelivery)).one()
        assert delivery.holder_key_thumbprint == wallet.key.thumbprint()
        assert delivery.holder_jwk is not None
        assert "d" not in delivery.holder_jwk
        assert delivery.format == "jwt_vc_json"


def error_of(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.text
    error: str = response.json()["error"]
    return error


def test_token_refusals(client: TestClient, tenant: Tenant) -> None:
    wallet, offer, created = started(client, tenant)
    server = wallet.as_metadata(wallet.issuer_metadata(offer["credential_issuer"]))
    assert error_of(wallet.pre_authorized_token(server, offer)) == "invalid_request"
    assert error_of(wallet.pre_authorized_token(server, offer, "000000x")) == "invalid_grant"
    assert wallet.pre_authorized_token(server, offer, created["tx_code"]).status_code == 200
    replay = wallet.pre_authorized_token(server, offer, created["tx_code"])
    assert error_of(replay) == "invalid_grant"
    # A second fetch of a spent offer finds nothing.
    assert client.get(created["offer_url"].removeprefix(ISSUER_ORIGIN)).status_code == 404
    unknown = wallet.token(server, grant_type="password", username="x")
    assert error_of(unknown) == "unsupported_grant_type"


def test_too_many_wrong_tx_codes_kill_the_offer(client: TestClient, tenant: Tenant) -> None:
    wallet, offer, created = started(client, tenant)
    server = wallet.as_metadata(wallet.issuer_metadata(offer["credential_issuer"]))
    for _ in range(5):
        assert error_of(wallet.pre_authorized_token(server, offer, "999999x")) == "invalid_grant"
    dead = wallet.pre_authorized_token(server, offer, created["tx_code"])
    assert error_of(dead) == "invalid_grant"


def test_credential_refusals(client: TestClient, tenant: Tenant) -> None:
    wallet, offer, created = started(client, tenant)
    metadata = wallet.issuer_metadata(offer["credential_issuer"])
    token = wallet.pre_authorized_token(wallet.as_metadata(metadata), offer, created["tx_code"])
    access = token.json()["access_token"]
    bound = f"{tenant.achievement_id}_jwt_vc_json"
    audience = metadata["credential_issuer"]

    def ask(proof: str | None, config: str = bound) -> Any:
        body: dict[str, Any] = {"credential_configuration_id": config}
        if proof is not None:
            body["proofs"] = {"jwt": [proof]}
        return wallet.request_credential(metadata, access, body)

    assert error_of(ask(None)) == "invalid_proof"
    assert error_of(ask(wallet.proof(audience, None))) == "invalid_proof"
    assert error_of(ask(wallet.proof(audience, "never-issued"))) == "invalid_nonce"
    other_audience = wallet.proof("https://another-issuer.example", wallet.nonce(metadata))
    assert error_of(ask(other_audience)) == "invalid_proof"
    other_key = wallet.proof(audience, wallet.nonce(metadata), signer=HolderKey())
    assert error_of(ask(other_key)) == "invalid_proof"
    wrong_typ = wallet.proof(audience, wallet.nonce(metadata), typ="JWT")
    assert error_of(ask(wrong_typ)) == "invalid_proof"
    stale = wallet.proof(audience, wallet.nonce(metadata), iat=1_600_000_000)
    assert error_of(ask(stale)) == "invalid_proof"
    unknown = ask(wallet.proof(audience, wallet.nonce(metadata)), f"{tenant.achievement_id}_mdoc")
    assert error_of(unknown) == "unknown_credential_configuration"
    nonce = wallet.nonce(metadata)
    assert ask(wallet.proof(audience, nonce)).status_code == 200
    assert error_of(ask(wallet.proof(audience, nonce))) == "invalid_nonce"  # reused
    both = wallet.request_credential(
        metadata,
        access,
        {"credential_configuration_id": bound, "credential_identifier": bound},
    )
    assert error_of(both) == "invalid_credential_request"
    draft = wallet.request_credential(
        metadata, access, {"credential_configuration_id": bound, "proof": {"proof_type": "ldp_vp"}}
    )
    assert error_of(draft) == "invalid_credential_request"
    # A draft-15 single `proof` is read as `proofs.jwt` (tolerated for DIIP v4 wallets).
    legacy = {"proof_type": "jwt", "jwt": wallet.proof(audience, wallet.nonce(metadata))}
    tolerated = wallet.request_credential(
        metadata, access, {"credential_configuration_id": bound, "proof": legacy}
    )
    assert tolerated.status_code == 200, tolerated.text
    two = [wallet.proof(audience, wallet.nonce(metadata)) for _ in range(2)]
    batch = wallet.request_credential(
        metadata, access, {"credential_configuration_id": bound, "proofs": {"jwt": two}}
    )
    assert error_of(batch) == "invalid_credential_request"
    no_token = wallet.request_credential(metadata, "forged", {"credential_configuration_id": bound})
    assert error_of(no_token, 401) == "invalid_token"
    assert no_token.headers["www-authenticate"].startswith("Bearer")


def test_stale_nonce_is_refused(client: TestClient, tenant: Tenant, database: Database) -> None:
    from datetime import timedelta

    from credex.db.base import utcnow
    from credex.db.models import CredentialNonce

    wallet, offer, created = started(client, tenant)
    metadata = wallet.issuer_metadata(offer["credential_issuer"])
    token = wallet.pre_authorized_token(wallet.as_metadata(metadata), offer, created["tx_code"])
    nonce = wallet.nonce(metadata)
    with database.unit_of_work() as session:
        for row in session.scalars(select(CredentialNonce)):
            row.expires_at = utcnow() - timedelta(seconds=1)
    proof = wallet.proof(metadata["credential_issuer"], nonce)
    response = wallet.request_credential(
        metadata,
        token.json()["access_token"],
        {
            "credential_configuration_id": f"{tenant.achievement_id}_jwt_vc_json",
            "proofs": {"jwt": [proof]},
        },
    )
    assert error_of(response) == "invalid_nonce"


def test_offers_are_tenant_and_person_scoped(
    client: TestClient, database: Database, settings: Settings, tenant: Tenant
) -> None:
    from tests.api.test_wallet_support import learner_headers

    credential = issue(client, tenant)
    credential_id = credential["id"]
    other = make_tenant(database, settings, "Heritage Academy")
    path = f"/api/v1/credentials/{credential_id}/offers"
    assert client.post(path, headers=other.headers).status_code == 404
    mine = client.post(
        f"/api/v1/wallet/credentials/{credential_id}/offers", headers=learner_headers(database)
    )
    assert mine.status_code == 201, mine.text
    bob = learner_headers(database, "bob@example.org")
    assert (
        client.post(f"/api/v1/wallet/credentials/{credential_id}/offers", headers=bob).status_code
        == 404
    )
    revoked = client.post(
        f"/api/v1/credentials/{credential_id}/revoke",
        json={"reason": "error"},
        headers=tenant.headers,
    )
    assert revoked.status_code == 200, revoked.text
    assert client.post(path, headers=tenant.headers).status_code == 409
    # An offer made before the revocation no longer resolves.
    assert client.get(mine.json()["offer_url"].removeprefix(ISSUER_ORIGIN)).status_code == 404


def test_proof_jwt_is_verifiable_by_the_wallet_library(client: TestClient) -> None:
    """The wallet's own proofs are what the spec describes (sanity check of the test wallet)."""
    wallet = Wallet(client)
    token = wallet.proof("https://issuer.example", "n-1")
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "openid4vci-proof+jwt"
    assert "d" not in header["jwk"]


def test_expired_one_time_values_are_purged(
    client: TestClient, tenant: Tenant, database: Database, settings: Settings
) -> None:
    from datetime import timedelta

    from credex.db.base import utcnow
    from credex.db.models import CredentialNonce, OAuthCode
    from credex.oauth.cleanup import purge_expired

    wallet, offer, _ = started(client, tenant)
    wallet.nonce(wallet.issuer_metadata(offer["credential_issuer"]))
    with database.unit_of_work() as session:
        for model in (CredentialNonce, OAuthCode):
            for row in session.scalars(select(model)):
                row.expires_at = utcnow() - timedelta(days=2)
    assert purge_expired(database, settings, force=True) == 2  # the nonce and the code
    assert purge_expired(database, settings, force=True) == 0
    assert purge_expired(database, settings) == 0  # ran moments ago


def test_an_offer_answers_a_bounded_number_of_fetches(client: TestClient, tenant: Tenant) -> None:
    from credex.oid4vci.offers import MAX_FETCHES

    credential = issue(client, tenant)
    url = offer_for(client, tenant, credential)["offer_url"].removeprefix(ISSUER_ORIGIN)
    codes = {
        client.get(url).json()["grants"][PRE_AUTH]["pre-authorized_code"]
        for _ in range(MAX_FETCHES)
    }
    assert len(codes) == MAX_FETCHES  # a fresh code each time
    assert client.get(url).status_code == 404
