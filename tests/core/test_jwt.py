"""VC-JWT (OB 3.0 profile): signing, parsing, verification, and every way a token can be wrong."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import given, settings
from hypothesis import strategies as st

from credex.core.errors import CoreError, ParsingError, ProofGenerationError
from credex.core.jwt import decode_jwt, looks_like_jws, sign_jwt, verify_jwt
from credex.core.keys import EcdsaSigner, Ed25519Signer, KeyAlgorithm

NOW = datetime(2024, 6, 1, tzinfo=UTC)
VALID_FROM = "2024-01-01T00:00:00Z"
VALID_FROM_NUMERIC = 1_704_067_200
ISSUER_WEB = "did:web:issuer.example"
ISSUER_WEB_URL = "https://issuer.example/.well-known/did.json"
ISSUER_HTTPS = "https://example.edu/issuers/565049"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_b64(value: int, size: int | None = None) -> str:
    return b64(value.to_bytes(size or (value.bit_length() + 7) // 8, "big"))


def make_jws(
    header: dict[str, Any], payload: dict[str, Any], sign: Callable[[bytes], bytes]
) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(sign(signing_input.encode()))}"


def credential_for(issuer: str | dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer,
        "validFrom": VALID_FROM,
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://example.com/achievements/1", "type": ["Achievement"]},
        },
        **extra,
    }


def claims_for(credential: dict[str, Any]) -> dict[str, Any]:
    issuer = credential["issuer"]
    return {
        **credential,
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "nbf": VALID_FROM_NUMERIC,
        "sub": credential["credentialSubject"]["id"],
    }


def codes(result: Any) -> list[str]:
    return [error.code for error in result.errors]


@pytest.fixture(scope="module")
def signer() -> Ed25519Signer:
    return Ed25519Signer.from_seed(bytes(range(32)))


@pytest.fixture(scope="module")
def p256_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def es256(key: ec.EllipticCurvePrivateKey) -> Callable[[bytes], bytes]:
    def sign(data: bytes) -> bytes:
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    return sign


def rs256(key: rsa.RSAPrivateKey) -> Callable[[bytes], bytes]:
    return lambda data: key.sign(data, PKCS1v15(), hashes.SHA256())


def ec_jwk(key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": int_b64(numbers.x, 32), "y": int_b64(numbers.y, 32)}


def rsa_jwk(key: rsa.RSAPrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    return {"kty": "RSA", "n": int_b64(numbers.n), "e": int_b64(numbers.e)}


def did_web_document(jwk: dict[str, str]) -> dict[str, Any]:
    method_id = f"{ISSUER_WEB}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": ISSUER_WEB,
        "verificationMethod": [
            {"id": method_id, "type": "JsonWebKey", "controller": ISSUER_WEB, "publicKeyJwk": jwk}
        ],
        "assertionMethod": [method_id],
    }


# --- signing and the round trip -----------------------------------------------------------


def test_round_trip_with_did_key(signer: Ed25519Signer) -> None:
    credential = credential_for({"id": signer.controller, "type": ["Profile"], "name": "Uni"})
    token = sign_jwt(credential, signer)
    result = verify_jwt(token, now=NOW)
    assert result.verified, result.errors
    assert result.errors == []
    assert result.credential == credential
    assert result.verification_method == signer.verification_method
    assert result.controller == signer.controller


def test_signed_header_and_claims(signer: Ed25519Signer) -> None:
    credential = credential_for(signer.controller, validUntil="2030-01-01T00:00:00.5Z")
    header, payload, signing_input, signature = decode_jwt(sign_jwt(credential, signer))
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": signer.verification_method}
    assert payload["iss"] == signer.controller
    assert payload["jti"] == credential["id"]
    assert payload["nbf"] == VALID_FROM_NUMERIC
    assert payload["sub"] == "did:example:learner"
    assert payload["exp"] == 1_893_456_000
    assert "proof" not in payload
    assert signer.public_key.verify(signature, signing_input)


def test_subject_without_id_omits_sub(signer: Ed25519Signer) -> None:
    credential = credential_for(signer.controller)
    credential["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": [{"type": "IdentityObject", "hashed": True, "identityHash": "sha256$ab"}],
    }
    token = sign_jwt(credential, signer)
    assert "sub" not in decode_jwt(token)[1]
    result = verify_jwt(token, now=NOW)
    assert result.verified, result.errors
    assert result.warnings == []


def test_p256_signers_issue_es256_jwts_that_verify() -> None:
    p256 = EcdsaSigner.generate("P-256")
    token = sign_jwt(credential_for(p256.controller), p256)
    header = decode_jwt(token)[0]
    assert (header["alg"], header["kid"]) == ("ES256", p256.verification_method)
    assert verify_jwt(token, now=NOW).verified
    tampered = _replace_segment(token, 2, token.split(".")[2][::-1])
    assert not verify_jwt(tampered, now=NOW).verified


def test_signing_needs_an_ed25519_or_p256_key_and_ob_fields(signer: Ed25519Signer) -> None:
    class P384Signer:
        algorithm: KeyAlgorithm = "P-384"
        controller = "did:example:x"
        verification_method = "did:example:x#1"

        def sign(self, data: bytes) -> bytes:
            return bytes(96)

    with pytest.raises(ProofGenerationError):
        sign_jwt(credential_for("did:example:x"), P384Signer())
    for missing in ("validFrom", "id", "issuer"):
        credential = credential_for(signer.controller)
        del credential[missing]
        with pytest.raises(ProofGenerationError):
            sign_jwt(credential, signer)


# --- tampering ------------------------------------------------------------------------------


def _replace_segment(token: str, index: int, new: str) -> str:
    parts = token.split(".")
    parts[index] = new
    return ".".join(parts)


def test_tampered_payload_fails(signer: Ed25519Signer) -> None:
    token = sign_jwt(credential_for(signer.controller), signer)
    _, payload, _, _ = decode_jwt(token)
    payload["name"] = "Forged Badge"
    forged = _replace_segment(token, 1, b64(json.dumps(payload).encode()))
    result = verify_jwt(forged, now=NOW)
    assert not result.verified
    assert codes(result) == ["PROOF_VERIFICATION_ERROR"]


def test_tampered_header_fails(signer: Ed25519Signer) -> None:
    token = sign_jwt(credential_for(signer.controller), signer)
    header = {"alg": "EdDSA", "kid": signer.verification_method}  # typ dropped
    result = verify_jwt(_replace_segment(token, 0, b64(json.dumps(header).encode())), now=NOW)
    assert not result.verified
    assert "signature" in result.errors[0].detail


def test_tampered_signature_fails(signer: Ed25519Signer) -> None:
    _, _, signing_input, signature = decode_jwt(sign_jwt(credential_for(signer.controller), signer))
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    result = verify_jwt(f"{signing_input.decode()}.{b64(flipped)}", now=NOW)
    assert not result.verified
    assert result.credential is not None  # shown, but not trusted


# --- other algorithms, jwk and kid ----------------------------------------------------------


def test_es256_with_jwk_header(p256_key: ec.EllipticCurvePrivateKey) -> None:
    credential = credential_for("https://issuer.example/profile")
    token = make_jws(
        {"alg": "ES256", "jwk": ec_jwk(p256_key)}, claims_for(credential), es256(p256_key)
    )
    result = verify_jwt(token, now=NOW)
    assert result.verified, result.errors
    assert any("bare JWK" in warning for warning in result.warnings)
    assert result.controller is None


def test_rs256_with_jwk_header(rsa_key: rsa.RSAPrivateKey) -> None:
    credential = credential_for("https://issuer.example/profile")
    token = make_jws(
        {"alg": "RS256", "typ": "JWT", "jwk": rsa_jwk(rsa_key)},
        claims_for(credential),
        rs256(rsa_key),
    )
    assert verify_jwt(token, now=NOW).verified


@pytest.mark.parametrize("kid", [f"{ISSUER_WEB}#key-1", ISSUER_WEB])
def test_rs256_with_kid_from_did_web_document(rsa_key: rsa.RSAPrivateKey, kid: str) -> None:
    documents = {ISSUER_WEB_URL: did_web_document(rsa_jwk(rsa_key))}
    credential = credential_for({"id": ISSUER_WEB, "type": ["Profile"]})
    token = make_jws({"alg": "RS256", "kid": kid}, claims_for(credential), rs256(rsa_key))
    result = verify_jwt(token, documents, now=NOW)
    assert result.verified, result.errors
    assert result.verification_method == f"{ISSUER_WEB}#key-1"
    assert result.controller == ISSUER_WEB
    assert result.warnings == []


def test_es256_with_kid_from_did_web_document(p256_key: ec.EllipticCurvePrivateKey) -> None:
    documents = {ISSUER_WEB_URL: did_web_document(ec_jwk(p256_key))}
    credential = credential_for(ISSUER_WEB)
    header = {"alg": "ES256", "typ": "JWT", "kid": f"{ISSUER_WEB}#key-1"}
    assert verify_jwt(make_jws(header, claims_for(credential), es256(p256_key)), documents).verified


def test_bare_did_key_kid_uses_its_first_assertion_method(signer: Ed25519Signer) -> None:
    credential = credential_for(signer.controller)
    token = make_jws(
        {"alg": "EdDSA", "kid": signer.controller}, claims_for(credential), signer.sign
    )
    result = verify_jwt(token, now=NOW)
    assert result.verified, result.errors
    assert result.verification_method == signer.verification_method


@pytest.mark.parametrize("kid", [f"{ISSUER_HTTPS}#key-1", "#key-1"])
def test_https_kid_from_issuer_controller_document(signer: Ed25519Signer, kid: str) -> None:
    method_id = f"{ISSUER_HTTPS}#key-1"
    documents = {
        ISSUER_HTTPS: {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": ISSUER_HTTPS,
            "verificationMethod": [
                {
                    "id": method_id,
                    "type": "Multikey",
                    "controller": ISSUER_HTTPS,
                    "publicKeyMultibase": signer.public_key_multibase,
                }
            ],
            "assertionMethod": [method_id],
        }
    }
    credential = credential_for({"id": ISSUER_HTTPS, "type": ["Profile"]})
    token = make_jws({"alg": "EdDSA", "kid": kid}, claims_for(credential), signer.sign)
    result = verify_jwt(token, documents, now=NOW)
    assert result.verified, result.errors
    assert (result.verification_method, result.controller) == (method_id, ISSUER_HTTPS)


def test_https_kid_dereferencing_to_a_bare_jwk(rsa_key: rsa.RSAPrivateKey) -> None:
    kid = "https://example.edu/keys/1"
    credential = credential_for(ISSUER_HTTPS)
    token = make_jws({"alg": "RS256", "kid": kid}, claims_for(credential), rs256(rsa_key))
    result = verify_jwt(token, {kid: rsa_jwk(rsa_key)}, now=NOW)
    assert result.verified, result.errors
    assert result.verification_method == kid
    assert any("bare JWK" in warning for warning in result.warnings)


def test_key_not_authorized_for_assertion_fails(rsa_key: rsa.RSAPrivateKey) -> None:
    document = did_web_document(rsa_jwk(rsa_key))
    document["authentication"] = document.pop("assertionMethod")
    credential = credential_for(ISSUER_WEB)
    header = {"alg": "RS256", "kid": f"{ISSUER_WEB}#key-1"}
    token = make_jws(header, claims_for(credential), rs256(rsa_key))
    result = verify_jwt(token, {ISSUER_WEB_URL: document}, now=NOW)
    assert not result.verified
    assert "assertionMethod" in result.errors[0].detail


def test_kid_that_cannot_be_resolved_fails(rsa_key: rsa.RSAPrivateKey) -> None:
    credential = credential_for(ISSUER_WEB)
    token = make_jws(
        {"alg": "RS256", "kid": f"{ISSUER_WEB}#key-1"}, claims_for(credential), rs256(rsa_key)
    )
    result = verify_jwt(token, {}, now=NOW)
    assert not result.verified
    assert result.errors


def test_key_controlled_by_someone_else_fails(signer: Ed25519Signer) -> None:
    credential = credential_for("https://issuer.example/profile")
    token = make_jws(
        {"alg": "EdDSA", "kid": signer.verification_method}, claims_for(credential), signer.sign
    )
    result = verify_jwt(token, now=NOW)
    assert not result.verified
    assert "not the issuer" in result.errors[0].detail


def test_private_jwk_is_refused(p256_key: ec.EllipticCurvePrivateKey) -> None:
    jwk = {**ec_jwk(p256_key), "d": int_b64(p256_key.private_numbers().private_value, 32)}
    credential = credential_for("https://issuer.example/profile")
    result = verify_jwt(
        make_jws({"alg": "ES256", "jwk": jwk}, claims_for(credential), es256(p256_key))
    )
    assert not result.verified


# --- header policy --------------------------------------------------------------------------


def test_alg_none_is_rejected(signer: Ed25519Signer) -> None:
    credential = credential_for(signer.controller)
    header = b64(json.dumps({"alg": "none", "kid": signer.verification_method}).encode())
    token = f"{header}.{b64(json.dumps(claims_for(credential)).encode())}."
    result = verify_jwt(token, now=NOW)
    assert not result.verified
    assert "alg none" in result.errors[0].detail


@pytest.mark.parametrize("alg", ["HS256", "ES256", "PS256", None])
def test_wrong_or_unknown_alg_is_rejected(signer: Ed25519Signer, alg: str | None) -> None:
    credential = credential_for(signer.controller)
    header = {"alg": alg, "kid": signer.verification_method}
    result = verify_jwt(make_jws(header, claims_for(credential), signer.sign), now=NOW)
    assert not result.verified


def test_crit_header_fails_but_cty_only_warns(signer: Ed25519Signer) -> None:
    credential = credential_for(signer.controller)
    base = {"alg": "EdDSA", "kid": signer.verification_method}
    crit = verify_jwt(make_jws({**base, "crit": ["exp"]}, claims_for(credential), signer.sign))
    assert not crit.verified
    cty = verify_jwt(
        make_jws({**base, "cty": "vc", "typ": "vc+jwt"}, claims_for(credential), signer.sign),
        now=NOW,
    )
    assert cty.verified, cty.errors
    assert len(cty.warnings) == 2


def test_header_without_key_fails(signer: Ed25519Signer) -> None:
    credential = credential_for(signer.controller)
    result = verify_jwt(make_jws({"alg": "EdDSA"}, claims_for(credential), signer.sign))
    assert not result.verified


# --- claims ---------------------------------------------------------------------------------


def signed_with_claims(signer: Ed25519Signer, **changes: Any) -> str:
    credential = credential_for(signer.controller)
    payload = {**claims_for(credential), **changes}
    payload = {key: value for key, value in payload.items() if value is not None}
    return make_jws({"alg": "EdDSA", "kid": signer.verification_method}, payload, signer.sign)


@pytest.mark.parametrize(
    "changes",
    [
        {"nbf": VALID_FROM_NUMERIC + 1},
        {"nbf": None},
        {"nbf": "2024-01-01"},
        {"iss": "did:example:other"},
        {"iss": None},
        {"jti": "urn:uuid:other"},
        {"jti": None},
        {"sub": "did:example:someone-else"},
        {"exp": VALID_FROM_NUMERIC + 10},  # exp sets validUntil: long past
    ],
)
def test_claim_mismatches_fail(signer: Ed25519Signer, changes: dict[str, Any]) -> None:
    result = verify_jwt(signed_with_claims(signer, **changes), now=NOW)
    assert not result.verified
    assert "PROOF_VERIFICATION_ERROR" in codes(result)


def test_missing_sub_only_warns(signer: Ed25519Signer) -> None:
    result = verify_jwt(signed_with_claims(signer, sub=None), now=NOW)
    assert result.verified, result.errors
    assert result.warnings


def test_not_yet_valid_fails(signer: Ed25519Signer) -> None:
    token = sign_jwt(credential_for(signer.controller), signer)
    result = verify_jwt(token, now=datetime(2023, 12, 31, 23, 0, tzinfo=UTC))
    assert not result.verified
    assert "not valid before" in result.errors[0].detail


def test_expired_is_a_failed_check(signer: Ed25519Signer) -> None:
    credential = credential_for(signer.controller, validUntil="2024-03-01T00:00:00Z")
    token = sign_jwt(credential, signer)
    assert verify_jwt(token, now=datetime(2024, 2, 1, tzinfo=UTC)).verified
    result = verify_jwt(token, now=NOW)
    assert not result.verified
    assert "expired" in result.errors[0].detail


def test_exp_must_equal_valid_until(signer: Ed25519Signer) -> None:
    credential = credential_for(signer.controller, validUntil="2030-01-01T00:00:00Z")
    payload = {**claims_for(credential), "exp": 1_893_456_001}
    token = make_jws({"alg": "EdDSA", "kid": signer.verification_method}, payload, signer.sign)
    assert not verify_jwt(token, now=NOW).verified


def test_vc_1_1_claim_form(signer: Ed25519Signer) -> None:
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"type": "AchievementSubject", "name": "Alice"},
    }
    payload = {
        "iss": signer.controller,
        "jti": "urn:uuid:1234",
        "nbf": VALID_FROM_NUMERIC,
        "exp": 1_893_456_000,
        "sub": "did:example:learner",
        "vc": vc,
    }
    token = make_jws({"alg": "EdDSA", "kid": signer.verification_method}, payload, signer.sign)
    result = verify_jwt(token, now=NOW)
    assert result.verified, result.errors
    assert result.credential is not None
    assert result.credential["issuer"] == signer.controller
    assert result.credential["id"] == "urn:uuid:1234"
    assert result.credential["issuanceDate"] == VALID_FROM
    assert result.credential["expirationDate"] == "2030-01-01T00:00:00Z"
    assert result.credential["credentialSubject"]["id"] == "did:example:learner"
    assert "id" not in vc["credentialSubject"]  # the payload itself is left alone


def test_vc_claim_contradicting_iss_fails(signer: Ed25519Signer) -> None:
    payload = {
        "iss": signer.controller,
        "jti": "urn:uuid:1",
        "nbf": VALID_FROM_NUMERIC,
        "vc": {"issuer": "did:example:other", "credentialSubject": {}},
    }
    token = make_jws({"alg": "EdDSA", "kid": signer.verification_method}, payload, signer.sign)
    assert not verify_jwt(token, now=NOW).verified


# --- malformed tokens -----------------------------------------------------------------------

GOOD_HEADER = b64(b'{"alg":"EdDSA"}')
DUPLICATE_ALG = b64(b'{"alg":"EdDSA","alg":"none"}')
NAN_PAYLOAD = b64(b'{"nbf":NaN}')


@pytest.mark.parametrize(
    "token",
    [
        f"{GOOD_HEADER}.{b64(b'{}')}",  # two parts
        f"{GOOD_HEADER}.{b64(b'{}')}.sig.extra",  # four parts
        f"{GOOD_HEADER}.e30!.c2ln",  # not base64url
        f"{GOOD_HEADER}.{b64(b'not json')}.c2ln",
        f"{b64(b'[1,2]')}.{b64(b'{}')}.c2ln",  # header not an object
        f"{DUPLICATE_ALG}.{b64(b'{}')}.c2ln",  # duplicate member
        f"{GOOD_HEADER}.{NAN_PAYLOAD}.c2ln",
        f"{GOOD_HEADER}.{b64(bytes([0xFF, 0xFE]))}.c2ln",  # not UTF-8
        f"{GOOD_HEADER}.A.c2ln",  # impossible base64 length
        "",
    ],
)
def test_malformed_tokens_are_parsing_errors(token: str) -> None:
    with pytest.raises(ParsingError):
        decode_jwt(token)
    result = verify_jwt(token)
    assert not result.verified
    assert codes(result) == ["PARSING_ERROR"]


def test_vc_claim_must_be_an_object(signer: Ed25519Signer) -> None:
    token = make_jws({"alg": "EdDSA", "kid": signer.verification_method}, {"vc": "x"}, signer.sign)
    assert codes(verify_jwt(token)) == ["PARSING_ERROR"]


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=80), st.binary(max_size=80).map(lambda b: b64(b) + "." + b64(b))))
def test_verify_never_raises_on_junk(token: str) -> None:
    result = verify_jwt(token)
    assert not result.verified
    assert all(isinstance(error, CoreError) for error in result.errors)


def test_looks_like_jws(signer: Ed25519Signer) -> None:
    token = sign_jwt(credential_for(signer.controller), signer)
    assert looks_like_jws(token)
    assert looks_like_jws(token.encode() + b"\n")
    assert not looks_like_jws('{"@context": []}')
    assert not looks_like_jws(f"{b64(b'{}')}.{b64(b'{}')}.")  # header without alg
    assert not looks_like_jws(b"\xff\xfe")
    assert not looks_like_jws("a.b")
