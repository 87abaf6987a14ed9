"""The signed request object (OpenID4VP 1.0 §5, JAR RFC 9101) and the link a wallet opens.

The request travels by reference: the QR code or same-device link carries only `client_id` and
`request_uri` (§5.10); the wallet fetches a JWS whose header says `typ: oauth-authz-req+jwt`
(§5.10.1, wallets must reject anything else). credex identifies itself with the
`decentralized_identifier` client identifier prefix (§5.9.3): the `client_id` is
`decentralized_identifier:<its DID>` and the JWS `kid` is a verification method of that DID.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from credex.core.jwt_sign import b64url_encode, compact_json
from credex.core.keys import Signer

REQUEST_TYP = "oauth-authz-req+jwt"
CLIENT_ID_PREFIX = "decentralized_identifier:"
STATIC_AUDIENCE = "https://self-issued.me/v2"  # §5.8: static discovery metadata
SCHEME = "openid4vp://"
JOSE_ALGORITHMS = {"Ed25519": "EdDSA", "P-256": "ES256"}

VP_FORMATS_SUPPORTED: dict[str, Any] = {
    "dc+sd-jwt": {"sd-jwt_alg_values": ["ES256", "EdDSA"], "kb-jwt_alg_values": ["ES256", "EdDSA"]},
    "ldp_vc": {
        "proof_type_values": ["DataIntegrityProof"],
        "cryptosuite_values": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "ecdsa-sd-2023"],
    },
    "jwt_vc_json": {"alg_values": ["EdDSA", "ES256"]},
}


def client_id_for(did: str) -> str:
    return CLIENT_ID_PREFIX + did


def request_object(
    signer: Signer,
    *,
    client_id: str,
    response_uri: str,
    response_mode: str,
    nonce: str,
    state: str,
    dcql_query: Mapping[str, Any],
    issued_at: int,
    expires_at: int,
    encryption_jwk: Mapping[str, Any] | None = None,
) -> str:
    """The compact JWS a wallet fetches from `request_uri`."""
    metadata: dict[str, Any] = {"vp_formats_supported": VP_FORMATS_SUPPORTED}
    if encryption_jwk is not None:  # direct_post.jwt (§8.3): the wallet encrypts to this key
        metadata["jwks"] = {"keys": [dict(encryption_jwk)]}
        metadata["encrypted_response_enc_values_supported"] = ["A128GCM", "A256GCM"]
    payload = {
        "iss": client_id,
        "aud": STATIC_AUDIENCE,
        "client_id": client_id,
        "response_type": "vp_token",
        "response_mode": response_mode,
        "response_uri": response_uri,
        "nonce": nonce,
        "state": state,
        "dcql_query": dict(dcql_query),
        "client_metadata": metadata,
        "iat": issued_at,
        "exp": expires_at,
    }
    header = {
        "alg": JOSE_ALGORITHMS[signer.algorithm],
        "typ": REQUEST_TYP,
        "kid": signer.verification_method,
    }
    signing_input = f"{b64url_encode(compact_json(header))}.{b64url_encode(compact_json(payload))}"
    signature = signer.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def wallet_link(client_id: str, request_uri: str, scheme: str = SCHEME) -> str:
    """`openid4vp://?client_id=…&request_uri=…` (§5.10, request by reference, GET)."""
    return scheme + "?" + urlencode({"client_id": client_id, "request_uri": request_uri})


def parse_vp_token(value: str | Mapping[str, Any]) -> dict[str, list[Any]]:
    """`vp_token` (§8.1): an object keyed by credential query id, each an array of presentations."""
    token: Any = value
    if isinstance(value, str):
        try:
            token = json.loads(value)
        except ValueError as exc:
            raise ValueError("vp_token is not a JSON object") from exc
    if not isinstance(token, Mapping) or not token:
        raise ValueError("vp_token must be a non-empty object keyed by credential query id")
    parsed: dict[str, list[Any]] = {}
    for key, presentations in token.items():
        if not isinstance(presentations, list) or not presentations:
            raise ValueError(f"vp_token[{key!r}] must be a non-empty array of presentations")
        parsed[str(key)] = list(presentations)
    return parsed
