"""`credex.core.key_proof`: OID4VCI 1.0 `jwt` key proofs, did:jwk key ids, RFC 7638 thumbprints."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from credex.core.key_proof import KeyProofError, did_jwk, jwk_thumbprint, verify_key_proof

AUD = "https://issuer.example/issuers/1"
NOW = datetime(2026, 12, 8, tzinfo=UTC)


def _proof(key: Any, alg: str, headers: dict[str, Any], **claims: Any) -> str:
    body = {"aud": AUD, "iat": int(NOW.timestamp()), "nonce": "n"} | claims
    return jwt.encode(body, key, algorithm=alg, headers={"typ": "openid4vci-proof+jwt", **headers})


def test_rfc7638_thumbprint_of_an_ec_key_ignores_extra_members_and_order() -> None:
    key = {"kty": "EC", "crv": "P-256", "x": "a", "y": "b"}
    shuffled = {"y": "b", "x": "a", "kid": "k", "crv": "P-256", "kty": "EC", "use": "sig"}
    assert jwk_thumbprint(key) == jwk_thumbprint(shuffled)
    assert len(jwk_thumbprint(key)) == 43


def test_a_did_jwk_kid_names_the_key() -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    public = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key()))
    kid = did_jwk(public) + "#0"
    proof = verify_key_proof(_proof(private, "EdDSA", {"kid": kid}), audience=AUD, now=NOW)
    assert proof.jwk == {"crv": "Ed25519", "kty": "OKP", "x": public["x"]}


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({"x5c": ["MIIB"]}, "exactly one of jwk, kid"),
        ({"kid": "did:web:example.org#key-1"}, "did:jwk"),
    ],
)
def test_key_references_other_than_jwk_or_did_jwk_are_refused(
    headers: dict[str, Any], message: str
) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(KeyProofError, match=message):
        verify_key_proof(_proof(private, "ES256", headers), audience=AUD, now=NOW)


def test_a_private_key_in_the_header_is_refused() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    leaked = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private))
    with pytest.raises(KeyProofError, match="private key material"):
        verify_key_proof(_proof(private, "ES256", {"jwk": leaked}), audience=AUD, now=NOW)


def test_a_key_of_another_type_than_alg_is_refused() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    okp = json.loads(
        jwt.algorithms.OKPAlgorithm.to_jwk(ed25519.Ed25519PrivateKey.generate().public_key())
    )
    with pytest.raises(KeyProofError, match="cannot sign ES256"):
        verify_key_proof(_proof(private, "ES256", {"jwk": okp}), audience=AUD, now=NOW)
