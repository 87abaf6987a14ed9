"""OID4VCI 1.0 authorization-code flow (PAR + PKCE S256), wallet-initiated, with the learner
signing in by magic link in the browser, driven by the spec-written test wallet."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import issue, make_tenant
from tests.api.test_signin import code_from_outbox
from tests.wallet.oid4vci_wallet import Wallet, jwt_claims, local, pkce_pair

REDIRECT = "https://wallet.example/cb"
CLIENT = "test-wallet"


def sign_in_by_magic_link(client: TestClient, database: Database, email: str) -> str:
    assert client.post("/wallet/signin", data={"email": email}).status_code == 200
    code = code_from_outbox(database, email)
    confirm = client.get(f"/wallet/signin/{code}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', confirm.text)
    assert csrf
    done = client.post(
        f"/wallet/signin/{code}", data={"csrf": csrf.group(1)}, follow_redirects=False
    )
    assert done.status_code == 303
    location: str = done.headers["location"]
    return location


def push(wallet: Wallet, server: dict[str, Any], challenge: str, config: str) -> Any:
    details = [{"type": "openid_credential", "credential_configuration_id": config}]
    return wallet.client.post(
        local(server["pushed_authorization_request_endpoint"]),
        data={
            "response_type": "code",
            "client_id": CLIENT,
            "redirect_uri": REDIRECT,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "authorization_details": json.dumps(details),
            "state": "xyz",
        },
    )


def test_authorization_code_flow_with_par_and_pkce(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, "ana@example.org")
    wallet = Wallet(client)
    # Wallet-initiated from the service-wide issuer (bare /.well-known/openid-credential-issuer):
    # its proofs name that identifier as `aud`.
    metadata = wallet.issuer_metadata("http://testserver")
    server = wallet.as_metadata(metadata)
    config = f"{tenant.achievement_id}_jwt_vc_json"
    verifier, challenge = pkce_pair()
    pushed = push(wallet, server, challenge, config)
    assert pushed.status_code == 201, pushed.text
    request_uri = pushed.json()["request_uri"]
    assert request_uri.startswith("urn:ietf:params:oauth:request_uri:")
    authorize = (
        local(server["authorization_endpoint"])
        + "?"
        + urlencode({"client_id": CLIENT, "request_uri": request_uri})
    )
    # Not signed in: sign in first, then come back to the request.
    first = client.get(authorize, follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/wallet/signin"
    back = sign_in_by_magic_link(client, database, "ana@example.org")
    assert back == authorize
    page = client.get(back)
    assert page.status_code == 200
    assert "Digital storytelling for cultural heritage" in page.text
    assert "<code>https://wallet.example</code>" in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    answer = client.post(
        "/oauth/authorize",
        data={
            "csrf": csrf.group(1),
            "client_id": CLIENT,
            "request_uri": request_uri,
            "decision": "allow",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["state"] == "xyz"
    assert params["iss"] == server["issuer"]
    form = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "redirect_uri": REDIRECT,
        "client_id": CLIENT,
    }
    wrong = wallet.token(server, **form, code_verifier="x" * 50)
    assert wrong.json()["error"] == "invalid_grant"
    token = wallet.token(server, **form, code_verifier=verifier)
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["authorization_details"][0]["credential_configuration_id"] == config
    identifier = body["authorization_details"][0]["credential_identifiers"][0]
    replay = wallet.token(server, **form, code_verifier=verifier)
    assert replay.json()["error"] == "invalid_grant"

    nonce = wallet.nonce(metadata)
    response = wallet.request_credential(
        metadata,
        body["access_token"],
        {
            "credential_identifier": identifier,
            "proofs": {"jwt": [wallet.proof(metadata["credential_issuer"], nonce)]},
        },
    )
    assert response.status_code == 200, response.text
    claims = jwt_claims(response.json()["credentials"][0]["credential"])
    assert claims["jti"] == issued["credential"]["id"]
    assert claims["sub"] == wallet.key.did_jwk
    # Another form, not granted by this authorization:
    other = wallet.request_credential(
        metadata,
        body["access_token"],
        {"credential_configuration_id": f"{tenant.achievement_id}_ldp_vc"},
    )
    assert other.json()["error"] == "unknown_credential_configuration"


def test_authorization_refusals(client: TestClient, database: Database, settings: Settings) -> None:
    tenant = make_tenant(database, settings)
    issue(client, tenant, "ana@example.org")
    wallet = Wallet(client)
    metadata = wallet.issuer_metadata(f"http://testserver/issuers/{tenant.issuer_id}")
    server = wallet.as_metadata(metadata)
    _, challenge = pkce_pair()
    unknown = push(wallet, server, challenge, "nope_ldp_vc")
    assert unknown.json()["error"] == "invalid_request"
    no_pkce = client.post(
        "/oauth/par",
        data={
            "response_type": "code",
            "client_id": CLIENT,
            "redirect_uri": REDIRECT,
            "scope": f"{tenant.achievement_id}_ldp_vc",
        },
    )
    assert no_pkce.json()["error"] == "invalid_request"
    # Bob holds nothing from this issuer: the wallet is told access_denied.
    request_uri = push(wallet, server, challenge, f"{tenant.achievement_id}_ldp_vc").json()[
        "request_uri"
    ]
    sign_in_by_magic_link(client, database, "bob@example.org")
    authorize = "/oauth/authorize?" + urlencode({"client_id": CLIENT, "request_uri": request_uri})
    page = client.get(authorize)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    answer = client.post(
        "/oauth/authorize",
        data={
            "csrf": csrf.group(1),
            "client_id": CLIENT,
            "request_uri": request_uri,
            "decision": "allow",
        },
        follow_redirects=False,
    )
    assert parse_qs(urlsplit(answer.headers["location"]).query)["error"] == ["access_denied"]
    again = client.get(authorize)
    assert again.status_code == 400  # a pushed request is answered once
    wrong_client = client.get(
        "/oauth/authorize?" + urlencode({"client_id": "other", "request_uri": request_uri})
    )
    assert wrong_client.status_code == 400
