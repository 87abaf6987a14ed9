"""A minimal OpenID4VCI 1.0 wallet written from the specification, for the tests.

It shares no code with credex's protocol side: it builds key proofs with PyJWT, reads metadata
by the well-known rules (VCI 1.0 §12.2.2, RFC 8414 §3), resolves offers by reference (§4.1.3),
and speaks to the token, nonce, credential and notification endpoints over HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from fastapi.testclient import TestClient

PRE_AUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
ORIGIN = "http://testserver"


def local(url: str) -> str:
    assert url.startswith(ORIGIN), url
    return url.removeprefix(ORIGIN) or "/"


def well_known(identifier: str, suffix: str) -> str:
    """`/.well-known/<suffix>` inserted between host and path (VCI §12.2.2, RFC 8414 §3.1)."""
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return f"/.well-known/{suffix}{path}"


@dataclass
class HolderKey:
    alg: str = "ES256"
    private: Any = None
    public_jwk: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.alg == "ES256":
            self.private = ec.generate_private_key(ec.SECP256R1())
            self.public_jwk = json.loads(
                jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key())
            )
        else:
            self.private = ed25519.Ed25519PrivateKey.generate()
            self.public_jwk = json.loads(
                jwt.algorithms.OKPAlgorithm.to_jwk(self.private.public_key())
            )
        self.public_jwk.pop("kid", None)

    @property
    def did_jwk(self) -> str:
        members = {k: self.public_jwk[k] for k in ("crv", "kty", "x", "y") if k in self.public_jwk}
        raw = json.dumps(members, separators=(",", ":")).encode()
        return "did:jwk:" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def thumbprint(self) -> str:
        """RFC 7638."""
        names = ("crv", "kty", "x", "y") if self.public_jwk["kty"] == "EC" else ("crv", "kty", "x")
        canonical = json.dumps({k: self.public_jwk[k] for k in names}, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Wallet:
    def __init__(self, client: TestClient, alg: str = "ES256") -> None:
        self.client = client
        self.key = HolderKey(alg)

    # --- discovery -------------------------------------------------------------------------
    def resolve_offer(self, deep_link: str) -> dict[str, Any]:
        parts = urlsplit(deep_link)
        assert parts.scheme == "openid-credential-offer", deep_link
        query = parse_qs(parts.query)
        assert list(query) == ["credential_offer_uri"], query
        response = self.client.get(local(query["credential_offer_uri"][0]))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        offer: dict[str, Any] = response.json()
        return offer

    def issuer_metadata(self, credential_issuer: str) -> dict[str, Any]:
        response = self.client.get(well_known(credential_issuer, "openid-credential-issuer"))
        assert response.status_code == 200, response.text
        metadata: dict[str, Any] = response.json()
        assert metadata["credential_issuer"] == credential_issuer
        return metadata

    def as_metadata(self, issuer_metadata: dict[str, Any]) -> dict[str, Any]:
        servers = issuer_metadata.get("authorization_servers") or [
            issuer_metadata["credential_issuer"]
        ]
        response = self.client.get(well_known(servers[0], "oauth-authorization-server"))
        assert response.status_code == 200, response.text
        metadata: dict[str, Any] = response.json()
        assert metadata["issuer"] == servers[0]
        return metadata

    # --- token -----------------------------------------------------------------------------
    def token(self, as_metadata: dict[str, Any], **form: str) -> httpx.Response:
        return self.client.post(local(as_metadata["token_endpoint"]), data=form)

    def pre_authorized_token(
        self, as_metadata: dict[str, Any], offer: dict[str, Any], tx_code: str | None = None
    ) -> httpx.Response:
        grant = offer["grants"][PRE_AUTH]
        form = {"grant_type": PRE_AUTH, "pre-authorized_code": grant["pre-authorized_code"]}
        if tx_code is not None:
            form["tx_code"] = tx_code
        return self.token(as_metadata, **form)

    # --- nonce, proof, credential ----------------------------------------------------------
    def nonce(self, metadata: dict[str, Any]) -> str:
        response = self.client.post(local(metadata["nonce_endpoint"]))
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        value: str = response.json()["c_nonce"]
        return value

    def proof(
        self,
        audience: str,
        nonce: str | None,
        *,
        signer: HolderKey | None = None,
        typ: str = "openid4vci-proof+jwt",
        iat: int | None = None,
    ) -> str:
        """A `jwt` key proof (VCI §F.1) naming `self.key` in its header, signed by `signer`."""
        claims: dict[str, Any] = {"aud": audience, "iat": iat or int(time.time())}
        if nonce is not None:
            claims["nonce"] = nonce
        key = signer or self.key
        return jwt.encode(
            claims,
            key.private,
            algorithm=self.key.alg,
            headers={"typ": typ, "jwk": self.key.public_jwk},
        )

    def request_credential(
        self, metadata: dict[str, Any], access_token: str, body: dict[str, Any]
    ) -> httpx.Response:
        return self.client.post(
            local(metadata["credential_endpoint"]),
            json=body,
            headers={"Authorization": f"Bearer {access_token}"},
        )

    def fetch(
        self, metadata: dict[str, Any], access_token: str, configuration_id: str
    ) -> dict[str, Any]:
        """nonce → proof → credential, for a configuration that wants a proof or not."""
        config = metadata["credential_configurations_supported"][configuration_id]
        body: dict[str, Any] = {"credential_configuration_id": configuration_id}
        if "proof_types_supported" in config:
            nonce = self.nonce(metadata)
            body["proofs"] = {"jwt": [self.proof(metadata["credential_issuer"], nonce)]}
        response = self.request_credential(metadata, access_token, body)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        result: dict[str, Any] = response.json()
        return result


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def jwt_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims
