"""RFC 9901 and OpenID4VP/OID4VCI example SD-JWTs, reproduced and verified byte for byte.

Vectors: ../shared/vectors/sd-jwt/ (RFC 9901 Disclosure examples; the SD-JWT VCLD example with
its issuer and holder keys in settings.yml) and ../shared/vectors/oid4vci/ (an SD-JWT VC
credential response with nine Disclosures, signed with the same issuer key). ECDSA signatures
are randomised, so signatures are verified, never compared.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from credex.core.errors import ProofVerificationError
from credex.core.sdjwt import (
    Disclosure,
    SdJwt,
    conceal,
    digest,
    issue_sd_jwt,
    present,
    sd_hash,
    verify_sd_jwt,
)
from tests.core.jose_keys import P256Signer

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors"
VCLD = VECTORS / "sd-jwt" / "sd-jwt-vcld-01"
SETTINGS = (VCLD / "settings.yml").read_text()


def _key(block: str) -> dict[str, str]:
    """The EC JWK of `issuer_keys` or `holder_key` in settings.yml."""
    section = SETTINGS.split(block, 1)[1]
    found = {name: re.search(rf"\b{name}: (\S+)", section) for name in ("d", "x", "y")}
    return {"kty": "EC", "crv": "P-256"} | {k: m.group(1) for k, m in found.items() if m}


ISSUER = _key("issuer_keys:")
HOLDER = _key("holder_key:")
ISSUER_PUBLIC = {k: v for k, v in ISSUER.items() if k != "d"}
NONCE = "1234567890"
VERIFIER = "https://verifier.example.org"
KB_IAT = 1744743394


def text(name: str) -> str:
    """A vector file with the line breaks of the RFC layout removed."""
    return "".join((VCLD / name).read_text().split())


def test_the_rfc_disclosure_examples_are_reproduced() -> None:
    examples = json.loads((VECTORS / "sd-jwt" / "rfc9901-disclosure-examples.json").read_text())
    prop = examples["object_property"]
    made = Disclosure.create(prop["array"][1], prop["array"][2], salt=prop["array"][0])
    assert made.encoded == prop["disclosure"]
    assert made.digest() == prop["sha256_digest_b64url"]
    # Other JSON spellings are different Disclosures with different digests, all acceptable.
    for other in prop["equivalent_disclosures_other_json_spelling"]:
        parsed = Disclosure.parse(other)
        assert (parsed.name, parsed.value) == ("family_name", "Möbius")
        assert parsed.digest() != made.digest()
    element = examples["array_element"]
    made = Disclosure.create(None, element["array"][1], salt=element["array"][0])
    assert made.encoded == element["disclosure"]
    assert made.digest() == element["sha256_digest_b64url"]
    claims = {"nationalities": ["DE", "FR", "US"]}
    payload, _ = conceal(claims, [["nationalities", 1]], salts=iter([element["array"][0]]).__next__)
    assert payload["nationalities"] == element["payload"]["nationalities"]


def test_the_vcld_example_payload_and_disclosures_are_reproduced() -> None:
    claims = json.loads((VCLD / "user_claims.json").read_text())
    claims = {"iss": "https://issuer.example.com", "iat": 1683000000, "exp": 1883000000} | claims
    claims["cnf"] = {"jwk": {k: v for k, v in HOLDER.items() if k != "d"}}
    salts = iter(["2GLC42sKQveCfGfryNRN9w", "eluV5Og3gSNII8EYnsxA_A", "6Ij7tM-a5iVPGboS5tmvVA"])
    subject = ("ld", "credentialSubject")
    paths = [(*subject, name) for name in ("givenName", "familyName", "birthDate")]
    payload, disclosures = conceal(claims, paths, salts=salts.__next__)
    assert payload == json.loads((VCLD / "sd_jwt_payload.json").read_text())
    issued = text("sd_jwt_issuance.txt")
    assert [d.encoded for d in disclosures] == issued.split("~")[1:-1]


def test_the_vcld_example_verifies_with_key_binding() -> None:
    presentation = text("sd_jwt_presentation.txt")
    parsed = SdJwt.parse(presentation)
    assert parsed.jws == text("sd_jwt_jws_part.txt")
    assert parsed.kb_jwt == text("kb_jwt_serialized.txt")
    kb_payload = json.loads((VCLD / "kb_jwt_payload.json").read_text())
    assert sd_hash(parsed, "sha-256") == kb_payload["sd_hash"]
    verified = verify_sd_jwt(
        presentation,
        ISSUER_PUBLIC,
        typ="dc+sd-jwt",
        require_key_binding=True,
        audience=VERIFIER,
        nonce=NONCE,
        now=datetime.fromtimestamp(KB_IAT + 30, UTC),
    )
    assert verified.claims == json.loads((VCLD / "verified_contents.json").read_text())
    assert verified.key_binding == kb_payload


def test_the_vcld_issuance_verifies_without_key_binding() -> None:
    verified = verify_sd_jwt(
        text("sd_jwt_issuance.txt"), ISSUER_PUBLIC, now=datetime(2025, 1, 1, tzinfo=UTC)
    )
    subject = verified.claims["ld"]["credentialSubject"]
    assert subject == {"givenName": "John", "familyName": "Doe", "birthDate": "1978-07-17"}


def test_the_oid4vci_credential_response_verifies() -> None:
    response = (VECTORS / "oid4vci" / "credential_response_sd_jwt_vc.txt").read_text()
    found = re.search(r'"credential": "([^"]+)"', response)
    assert found is not None
    credential = "".join(found.group(1).split())  # the example wraps the string over lines
    verified = verify_sd_jwt(credential, ISSUER_PUBLIC, now=datetime(2025, 1, 1, tzinfo=UTC))
    claims = verified.claims
    assert verified.header["kid"] == "doc-signer-05-25-2022"
    assert claims["address"]["locality"] == "Anytown"
    assert claims["is_over_65"] is True
    assert len(verified.disclosures) == 9
    assert "_sd" not in claims
    assert "_sd_alg" not in claims


def test_a_holder_presentation_of_the_example_verifies() -> None:
    """Our holder side on the spec's SD-JWT: choose one claim, bind it with the holder key."""
    now = datetime(2025, 4, 15, tzinfo=UTC)
    shown = present(
        text("sd_jwt_issuance.txt"),
        [("ld", "credentialSubject", "familyName")],
        holder=P256Signer.from_jwk(HOLDER),
        audience=VERIFIER,
        nonce="n-0S6_WzA2Mj",
        issued_at=now,
    )
    verified = verify_sd_jwt(
        shown,
        ISSUER_PUBLIC,
        require_key_binding=True,
        audience=VERIFIER,
        nonce="n-0S6_WzA2Mj",
        now=now,
    )
    assert verified.claims["ld"]["credentialSubject"] == {"familyName": "Doe"}


def test_tampering_with_the_example_fails() -> None:
    presentation = text("sd_jwt_presentation.txt")
    jws, disclosure, kb = presentation.split("~")
    other = Disclosure.create("givenName", "Jane", salt="2GLC42sKQveCfGfryNRN9w").encoded
    when = datetime.fromtimestamp(KB_IAT, UTC)
    options: dict[str, Any] = {
        "require_key_binding": True,
        "audience": VERIFIER,
        "nonce": NONCE,
        "now": when,
    }
    with pytest.raises(ProofVerificationError):
        verify_sd_jwt(f"{jws}~{other}~{kb}", ISSUER_PUBLIC, **options)
    extra = text("sd_jwt_issuance.txt").split("~")[2]  # added after the holder bound it
    with pytest.raises(ProofVerificationError, match="sd_hash"):
        verify_sd_jwt(f"{jws}~{disclosure}~{extra}~{kb}", ISSUER_PUBLIC, **options)
    with pytest.raises(ProofVerificationError, match="nonce"):
        verify_sd_jwt(presentation, ISSUER_PUBLIC, **(options | {"nonce": "other"}))
    with pytest.raises(ProofVerificationError, match="audience"):
        verify_sd_jwt(presentation, ISSUER_PUBLIC, **(options | {"audience": "https://x.example"}))
    with pytest.raises(ProofVerificationError, match="window"):
        verify_sd_jwt(
            presentation, ISSUER_PUBLIC, **(options | {"now": datetime(2026, 1, 1, tzinfo=UTC)})
        )
    with pytest.raises(ProofVerificationError, match="signature"):
        verify_sd_jwt(presentation, HOLDER_PUBLIC, **options)


HOLDER_PUBLIC = {k: v for k, v in HOLDER.items() if k != "d"}


def test_issue_then_verify_round_trip_with_a_p256_issuer() -> None:
    issuer = P256Signer()
    holder = P256Signer()
    issued = issue_sd_jwt(
        {"iss": "https://issuer.example", "given_name": "Ana", "cnf": {"jwk": holder.jwk}},
        [["given_name"]],
        issuer,
        header={"typ": "dc+sd-jwt"},
        decoys=3,
    )
    assert len(issued.payload["_sd"]) == 4  # one digest and three decoys
    assert issued.payload["_sd"] == sorted(issued.payload["_sd"])
    assert digest(issued.disclosures[0].encoded) in issued.payload["_sd"]
    verified = verify_sd_jwt(issued.serialize(), issuer.jwk, typ="dc+sd-jwt")
    assert verified.claims["given_name"] == "Ana"
