"""The dc+sd-jwt configurations over OID4VCI: the test wallet receives both SD-JWT VC types and
checks them by RFC 9901 §7.1 itself (issuer signature via JWT VC Issuer Metadata, digests of
every disclosure, holder binding to its own key, Token Status List reference)."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt
from fastapi.testclient import TestClient

from credex.db.session import Database
from credex.settings import Settings
from tests.api.test_issuance_support import issue, make_tenant
from tests.wallet.oid4vci_wallet import Wallet, local


def b64json(segment: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def digest(disclosure: str) -> str:
    raw = hashlib.sha256(disclosure.encode("ascii")).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def collect_digests(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        found.update(value.get("_sd", []))
        if "..." in value:
            found.add(value["..."])
        for item in value.values():
            found |= collect_digests(item)
    elif isinstance(value, list):
        for item in value:
            found |= collect_digests(item)
    return found


def check_sd_jwt(client: TestClient, serialized: str, holder_jwk: dict[str, Any]) -> dict[str, Any]:
    """RFC 9901 §7.1 as a wallet does it; returns the issuer-signed payload."""
    assert serialized.endswith("~")
    issuer_jwt, *disclosures = serialized.split("~")[:-1]
    header = jwt.get_unverified_header(issuer_jwt)
    assert header["typ"] == "dc+sd-jwt"
    assert header["alg"] == "ES256"
    payload = b64json(issuer_jwt.split(".")[1])
    issuer = payload["iss"]
    metadata = client.get(
        "/.well-known/jwt-vc-issuer" + issuer.removeprefix("http://testserver")
    ).json()
    assert metadata["issuer"] == issuer
    [key] = [k for k in metadata["jwks"]["keys"] if k["kid"] == header["kid"]]
    jwt.decode(issuer_jwt, jwt.PyJWK(key, algorithm="ES256"), algorithms=["ES256"])
    referenced = collect_digests(payload)
    for disclosure in disclosures:
        assert digest(disclosure) in referenced
        assert len(b64json(disclosure)) in (2, 3)
    assert payload["_sd_alg"] == "sha-256"
    assert payload["cnf"]["jwk"] == holder_jwk
    assert set(payload["status"]["status_list"]) == {"idx", "uri"}
    status = client.get(local(payload["status"]["status_list"]["uri"]))
    assert status.headers["content-type"].startswith("application/statuslist+jwt")
    return dict(payload)


def test_both_sd_jwt_vc_types_are_delivered(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, "ana@example.org")
    created = client.post(
        f"/api/v1/credentials/{issued['id']}/offers",
        json={"tx_code": False},
        headers=tenant.headers,
    ).json()
    wallet = Wallet(client)
    offer = wallet.resolve_offer(created["credential_offer_uri"])
    metadata = wallet.issuer_metadata(offer["credential_issuer"])
    configs = metadata["credential_configurations_supported"]
    learning = f"{tenant.achievement_id}_learning_credential"
    micro = f"{tenant.achievement_id}_micro_credential"
    assert configs[learning]["format"] == "dc+sd-jwt"
    assert configs[learning]["vct"] == "urn:eu.europa.ec.eudi:learning:credential:1"
    assert configs[learning]["cryptographic_binding_methods_supported"] == ["jwk"]
    assert any(
        claim["path"] == ["achievement_title"]
        for claim in configs[learning]["credential_metadata"]["claims"]
    )
    assert configs[micro]["vct"] == "urn:eudi:micro_credential:1"
    assert {learning, micro} <= set(offer["credential_configuration_ids"])
    token = wallet.pre_authorized_token(wallet.as_metadata(metadata), offer)
    access = token.json()["access_token"]

    learning_vc = wallet.fetch(metadata, access, learning)["credentials"][0]["credential"]
    payload = check_sd_jwt(client, learning_vc, wallet.key.public_jwk)
    assert payload["vct"] == "urn:eu.europa.ec.eudi:learning:credential:1"
    assert payload["achievement_title"] == "Digital storytelling for cultural heritage"
    assert "family_name" not in payload  # selectively disclosable: only in a disclosure
    disclosed = {
        b64json(d)[1]: b64json(d)[2] for d in learning_vc.split("~")[1:-1] if len(b64json(d)) == 3
    }
    assert "family_name" in disclosed

    micro_vc = wallet.fetch(metadata, access, micro)["credentials"][0]["credential"]
    payload = check_sd_jwt(client, micro_vc, wallet.key.public_jwk)
    assert payload["vct"] == "urn:eudi:micro_credential:1"

    tampered = learning_vc.split("~")
    tampered[1] = tampered[1][:-2] + ("AA" if tampered[1][-2:] != "AA" else "BB")
    issuer_payload = b64json(tampered[0].split(".")[1])
    assert digest(tampered[1]) not in collect_digests(issuer_payload)
