"""A test wallet written from OpenID4VP 1.0 (Final), to answer credex's requests.

It does what a wallet does, in the spec's order: open the `openid4vp://` link (§5.10: only
`client_id` and `request_uri`), fetch the request object, refuse it unless its JOSE header says
`typ: oauth-authz-req+jwt` and its signature verifies with a key of the DID named by the
`decentralized_identifier:` client_id (§5.9.3, here a did:key resolved offline from the
multibase key itself), then answer the DCQL query with a `vp_token` keyed by credential query id
(§8.1), bound to the request: Data Integrity presentations carry `challenge` = nonce and
`domain` = client_id (§B.1.3.2.5), VP-JWTs carry `nonce` and `aud` = client_id (§B.1.3.1.4).
`direct_post` sends the parameters as a form (§8.2); `direct_post.jwt` sends them encrypted to
the verifier's key from `client_metadata.jwks` (§8.3). SD-JWT VCs are presented with only the
Disclosures the learner keeps and a KB-JWT over `sd_hash` (RFC 9901 §4.3), signed ES256.

Signing the Data Integrity proof uses credex's eddsa-rdfc-2022 implementation (the algorithm is
the W3C one, checked against the W3C test vectors); everything OpenID4VP-specific is here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import base58
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from fastapi.testclient import TestClient

from credex.core.keys import Ed25519Signer
from credex.core.oid4vp import jwe
from credex.core.proofs import add_proof

ED25519_MULTICODEC = b"\xed\x01"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def did_key_public_key(did: str) -> Ed25519PublicKey:
    """did:key:z6Mk… → the Ed25519 key (did:key spec: multibase base58btc, multicodec 0xed)."""
    value = did.removeprefix("did:key:")
    assert value.startswith("z"), "did:key values are base58btc multibase"
    raw = base58.b58decode(value[1:])
    assert raw[:2] == ED25519_MULTICODEC, "only Ed25519 did:keys here"
    return Ed25519PublicKey.from_public_bytes(raw[2:])


@dataclass
class Request:
    """A request object the wallet accepted."""

    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def client_id(self) -> str:
        return str(self.claims["client_id"])

    @property
    def nonce(self) -> str:
        return str(self.claims["nonce"])

    @property
    def query_ids(self) -> list[str]:
        return [query["id"] for query in self.claims["dcql_query"]["credentials"]]

    def query_id(self, fmt: str) -> str:
        return next(
            query["id"]
            for query in self.claims["dcql_query"]["credentials"]
            if query["format"] == fmt
        )


class RefusedRequest(Exception):
    """The wallet refuses a request object (§5.10.1: wrong typ, bad signature, …)."""


class TestWallet:
    __test__ = False  # not a pytest class

    def __init__(self, client: TestClient, holder: Ed25519Signer | None = None) -> None:
        self.client = client
        self.holder = holder or Ed25519Signer.generate()
        self.p256 = ec.generate_private_key(ec.SECP256R1())  # the key SD-JWT VCs are bound to

    @property
    def did(self) -> str:
        return self.holder.controller

    # --- the request ------------------------------------------------------------------------

    def open(self, link: str) -> Request:
        parts = urlsplit(link)
        assert parts.scheme == "openid4vp", link
        params = {name: values[0] for name, values in parse_qs(parts.query).items()}
        assert set(params) == {"client_id", "request_uri"}, params
        fetched = self.client.get(params["request_uri"])
        assert fetched.status_code == 200, fetched.text
        assert fetched.headers["content-type"].startswith("application/oauth-authz-req+jwt")
        request = self.check_request_object(fetched.text)
        if request.client_id != params["client_id"]:
            raise RefusedRequest("client_id in the link and in the request object differ")
        return request

    def check_request_object(self, jws: str) -> Request:
        header_part, payload_part, signature_part = jws.split(".")
        header = json.loads(unb64url(header_part))
        claims = json.loads(unb64url(payload_part))
        if header.get("typ") != "oauth-authz-req+jwt":
            raise RefusedRequest("the request object's typ is not oauth-authz-req+jwt")
        client_id = str(claims.get("client_id", ""))
        if not client_id.startswith("decentralized_identifier:"):
            raise RefusedRequest("unexpected client identifier prefix")
        did = client_id.removeprefix("decentralized_identifier:")
        if not str(header.get("kid", "")).startswith(did + "#"):
            raise RefusedRequest("the request is not signed with a key of the client's DID")
        if header.get("alg") != "EdDSA":
            raise RefusedRequest("this wallet checks EdDSA request objects")
        try:
            did_key_public_key(did).verify(
                unb64url(signature_part), f"{header_part}.{payload_part}".encode("ascii")
            )
        except Exception as exc:
            raise RefusedRequest("the request object's signature does not verify") from exc
        for name in ("nonce", "state", "response_uri", "dcql_query"):
            if name not in claims:
                raise RefusedRequest(f"the request lacks {name}")
        assert claims["response_type"] == "vp_token"
        return Request(header, claims)

    # --- presentations ----------------------------------------------------------------------

    def ldp_vp(
        self,
        credential: dict[str, Any],
        request: Request,
        *,
        challenge: str | None = None,
        domain: str | None = None,
    ) -> dict[str, Any]:
        presentation = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": self.did,
            "verifiableCredential": [credential],
        }
        return add_proof(
            presentation,
            self.holder,
            proof_purpose="authentication",
            challenge=challenge or request.nonce,
            domain=domain or request.client_id,
        )

    def vp_jwt(
        self,
        credentials: list[str],
        request: Request,
        *,
        nonce: str | None = None,
        audience: str | None = None,
    ) -> str:
        header = {"alg": "EdDSA", "typ": "JWT", "kid": self.holder.verification_method}
        payload = {
            "iss": self.did,
            "aud": audience or request.client_id,
            "nonce": nonce or request.nonce,
            "iat": int(time.time()),
            "exp": int(time.time()) + 300,
            "vp": {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiablePresentation"],
                "holder": self.did,
                "verifiableCredential": credentials,
            },
        }
        signing_input = (
            b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
        )
        return signing_input + "." + b64url(self.holder.sign(signing_input.encode("ascii")))

    def sd_jwt_presentation(
        self,
        issued: str,
        request: Request,
        *,
        keep: set[str] | None = None,
        nonce: str | None = None,
        audience: str | None = None,
    ) -> str:
        """SD-JWT+KB (RFC 9901 §4.3, OpenID4VP §B.3.6): the chosen Disclosures, then a KB-JWT
        signed with the holder's P-256 key over `sd_hash` of everything before it."""
        jws, *disclosures = issued.split("~")[:-1]
        chosen = [
            encoded
            for encoded in disclosures
            if keep is None
            or len(decoded := json.loads(unb64url(encoded))) == 2
            or decoded[1] in keep
        ]
        presented = jws + "~" + "".join(encoded + "~" for encoded in chosen)
        header = {"typ": "kb+jwt", "alg": "ES256"}
        payload = {
            "iat": int(time.time()),
            "aud": audience or request.client_id,
            "nonce": nonce or request.nonce,
            "sd_hash": b64url(hashlib.sha256(presented.encode("ascii")).digest()),
        }
        signing_input = (
            b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
        )
        r, s = decode_dss_signature(
            self.p256.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        )
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return presented + signing_input + "." + b64url(signature)

    @property
    def p256_jwk(self) -> dict[str, str]:
        numbers = self.p256.public_key().public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }

    # --- the answer -------------------------------------------------------------------------

    def respond(self, request: Request, vp_token: dict[str, list[Any]]) -> Any:
        parameters = {"vp_token": vp_token, "state": request.claims["state"]}
        if request.claims["response_mode"] == "direct_post.jwt":
            [key] = request.claims["client_metadata"]["jwks"]["keys"]
            body = {"response": jwe.encrypt(parameters, key)}
        else:
            body = {"vp_token": json.dumps(vp_token), "state": request.claims["state"]}
        return self.client.post(request.claims["response_uri"], data=body)

    def decline(self, request: Request) -> Any:
        return self.client.post(
            request.claims["response_uri"],
            data={"error": "access_denied", "state": request.claims["state"]},
        )
