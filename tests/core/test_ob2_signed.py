"""Open Badges 2.0 signed assertions: a JWS made with a key the issuer Profile lists."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.core.ob2_factories import (
    Ob2Issuer,
    b64url,
    detail,
    jws_payload,
    new_rsa_key,
    outcomes,
    sign_rs256,
    verify,
    with_claims,
)


@pytest.fixture
def issuer() -> Ob2Issuer:
    return Ob2Issuer("https://badges.example").everything()


def test_an_rs256_signed_assertion_verifies(issuer: Ob2Issuer) -> None:
    report = verify(issuer, issuer.signed())
    assert report.verified is True, report.to_dict()
    assert outcomes(report) == {
        "format": "passed",
        "badge_class": "passed",
        "issuer": "passed",
        "proof": "passed",
        "key_binding": "passed",
        "status": "skipped",
        "validity": "passed",
        "recipient": "passed",
    }
    assert "RS256" in detail(report, "proof")
    assert report.to_dict()["method"] == "signed"
    assert report.to_dict()["container"] == "text"


def test_a_tampered_payload_fails(issuer: Ob2Issuer) -> None:
    token = with_claims(issuer.signed(), issuedOn="2026-01-01T00:00:00+00:00")
    report = verify(issuer, token)
    assert report.verified is False
    assert outcomes(report)["proof"] == "failed"
    assert "does not verify" in detail(report, "proof")


def test_a_signature_by_another_key_fails(issuer: Ob2Issuer) -> None:
    token = sign_rs256(jws_payload(issuer.signed()), new_rsa_key())
    assert outcomes(verify(issuer, token))["proof"] == "failed"


def test_the_key_must_be_listed_and_owned_by_the_issuer(issuer: Ob2Issuer) -> None:
    issuer.profile(publicKey=["https://badges.example/keys/2"])
    report = verify(issuer, issuer.signed())
    assert (outcomes(report)["proof"], outcomes(report)["key_binding"]) == ("failed", "failed")
    assert "does not list" in detail(report, "key_binding")
    issuer.profile()
    issuer.crypto_key(owner="https://elsewhere.example/issuer")
    report = verify(issuer, issuer.signed())
    assert outcomes(report)["key_binding"] == "failed"
    assert "not by the issuer" in detail(report, "key_binding")


def test_without_creator_the_issuers_listed_keys_are_tried(issuer: Ob2Issuer) -> None:
    token = issuer.signed(verification={"type": "signed"})
    assert verify(issuer, token).verified is True


def test_a_key_that_cannot_be_fetched_leaves_the_proof_undecided(issuer: Ob2Issuer) -> None:
    del issuer.documents[issuer.key_id]
    report = verify(issuer, issuer.signed())
    assert report.verified is False
    assert outcomes(report)["proof"] == "error"
    assert not [c for c in report.checks if c.outcome == "failed"]


def test_the_revocation_list_is_read(issuer: Ob2Issuer) -> None:
    token = issuer.signed()
    issuer.profile(revocationList=issuer.revocation_list_id)
    issuer.revocation_list("urn:uuid:someone-else")
    assert outcomes(verify(issuer, token))["status"] == "passed"
    assertion_id = jws_payload(token)["id"]
    issuer.revocation_list({"id": assertion_id, "revocationReason": "Plagiarism"})
    report = verify(issuer, token)
    assert report.verified is False
    assert outcomes(report)["status"] == "failed"
    assert "Plagiarism" in detail(report, "status")
    del issuer.documents[issuer.revocation_list_id]
    assert outcomes(verify(issuer, token))["status"] == "error"


def test_a_signed_assertion_must_come_as_its_jws(issuer: Ob2Issuer) -> None:
    report = verify(issuer, jws_payload(issuer.signed()))
    assert outcomes(report)["proof"] == "failed"
    assert "JWS" in detail(report, "proof")


def test_an_eddsa_key_is_accepted_too(issuer: Ob2Issuer) -> None:
    private = ed25519.Ed25519PrivateKey.generate()
    pem = private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    issuer.crypto_key(publicKeyPem=pem.decode())
    body = jws_payload(issuer.signed())
    header = b64url(json.dumps({"alg": "EdDSA"}).encode())
    signing_input = f"{header}.{b64url(json.dumps(body).encode())}"
    token = f"{signing_input}.{b64url(private.sign(signing_input.encode()))}"
    assert verify(issuer, token).verified is True
    rs256_claim = sign_rs256(body, issuer.key)  # RS256 header, but the listed key is Ed25519
    assert outcomes(verify(issuer, rs256_claim))["proof"] == "failed"


def test_unsupported_algorithms_fail(issuer: Ob2Issuer) -> None:
    header = b64url(json.dumps({"alg": "HS256"}).encode())
    token = f"{header}.{b64url(json.dumps(jws_payload(issuer.signed())).encode())}.c2ln"
    report = verify(issuer, token)
    assert outcomes(report)["proof"] == "failed"
    assert "HS256" in detail(report, "proof")
