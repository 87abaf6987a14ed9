"""What 1EdTech's OB 3.0 validator accepts, credex verifies too, with a warning (issue 13 §6-8):
a bare did:key verificationMethod, a VC Data Model 1.1 credential in every wrapping (JSON,
VC-JWT, baked PNG and SVG: one credential, one verdict), and the pre-standard cryptosuite name
eddsa-2022."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.core import Ed25519Signer, sign_credential
from credex.core.baking import bake_png, bake_svg
from credex.core.errors import ProofGenerationError
from credex.core.jwt_sign import b64url_encode, compact_json
from credex.core.proofs import cryptosuites as cs
from credex.core.proofs import eddsa_rdfc_2022
from tests.core.factories import ob_credential
from tests.core.test_verification import tiny_png

SIGNER = Ed25519Signer.from_seed(bytes([3]) * 32)
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
VC_1_1 = [
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v2",
]


def checks(report: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {c["id"]: (c["outcome"], c["required"]) for c in report["checks"]}


def api_verify(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/verify", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def api_verify_file(client: TestClient, name: str, data: bytes, media: str) -> dict[str, Any]:
    response = client.post("/api/v1/verify", files={"file": (name, data, media)})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_bare_did_key_verification_method_names_its_only_key(client: TestClient) -> None:
    bare = Ed25519Signer.from_seed(bytes([3]) * 32, verification_method=SIGNER.controller)
    signed = sign_credential(ob_credential(SIGNER.controller), bare)
    assert signed["proof"][0]["verificationMethod"] == SIGNER.controller  # no #fragment
    report = api_verify(client, credential=signed)
    assert report["verified"] is True, report
    assert checks(report)["proof"] == ("passed", True)
    assert checks(report)["key_binding"] == ("passed", True)
    assert checks(report)["compatibility"] == ("failed", False)
    assert any("bare did:key" in warning for warning in report["warnings"])
    vcapi = client.post(
        "/credentials/verify", json={"verifiableCredential": signed, "options": {"checks": []}}
    )
    assert vcapi.status_code == 200, vcapi.text


def vc_1_1_credential() -> dict[str, Any]:
    credential = ob_credential(SIGNER.controller)
    credential["@context"] = list(VC_1_1)
    credential["issuanceDate"] = credential.pop("validFrom")
    return credential


def vc_1_1_jwt_with_vc_claim(credential: dict[str, Any]) -> str:
    """A VC DM 1.1 era JWT: the credential under `vc`, issuer, id and date in the claims."""
    vc = {k: v for k, v in credential.items() if k not in ("issuer", "id", "issuanceDate")}
    payload = {"vc": vc, "iss": SIGNER.controller, "jti": credential["id"], "nbf": 1735689600}
    header = {"alg": "EdDSA", "typ": "JWT", "kid": SIGNER.verification_method}
    signing_input = f"{b64url_encode(compact_json(header))}.{b64url_encode(compact_json(payload))}"
    return f"{signing_input}.{b64url_encode(SIGNER.sign(signing_input.encode()))}"


def test_a_vc_1_1_credential_has_one_verdict_in_every_wrapping(client: TestClient) -> None:
    credential = vc_1_1_credential()
    ldp = sign_credential(credential, SIGNER)
    jwt = sign_credential(credential, SIGNER, format="jwt")
    vc_claim = vc_1_1_jwt_with_vc_claim(credential)
    reports = {
        "json": api_verify(client, credential=ldp),
        "jwt": api_verify(client, jwt=jwt),
        "jwt with vc claim": api_verify(client, jwt=vc_claim),
        "png": api_verify_file(client, "b.png", bake_png(tiny_png(), ldp), "image/png"),
        "svg": api_verify_file(client, "b.svg", bake_svg(SVG, ldp).encode(), "image/svg+xml"),
        "png with jwt": api_verify_file(client, "j.png", bake_png(tiny_png(), jwt), "image/png"),
        "svg with jwt": api_verify_file(
            client, "j.svg", bake_svg(SVG, vc_claim).encode(), "image/svg+xml"
        ),
    }
    for form, report in reports.items():
        assert report["verified"] is True, (form, report)
        assert checks(report)["compatibility"] == ("failed", False), form
        assert "a VC Data Model 1.1 credential" in " ".join(report["warnings"]), form
        assert checks(report)["ob_schema"][1] is False, form  # the 2.0 schema only warns


def sign_as_eddsa_2022(credential: dict[str, Any]) -> dict[str, Any]:
    """The same algorithm as eddsa-rdfc-2022, under its pre-standard name."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-2022",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": SIGNER.verification_method,
        "proofPurpose": "assertionMethod",
    }
    config = cs.proof_configuration(options, credential["@context"], error=ProofGenerationError)
    hash_data = eddsa_rdfc_2022.hashing(eddsa_rdfc_2022.transformation(credential), config)
    signature = eddsa_rdfc_2022.serialization(hash_data, SIGNER)
    return credential | {"proof": [options | {"proofValue": cs.encode_proof_value(signature)}]}


@pytest.mark.parametrize("tamper", [False, True])
def test_the_pre_standard_name_eddsa_2022_verifies_with_a_warning(
    client: TestClient, tamper: bool
) -> None:
    signed = sign_as_eddsa_2022(ob_credential(SIGNER.controller))
    if tamper:
        signed = copy.deepcopy(signed)
        signed["name"] = "Forged"
    report = api_verify(client, credential=json.loads(json.dumps(signed)))
    assert report["verified"] is not tamper, report
    if not tamper:
        assert checks(report)["compatibility"] == ("failed", False)
        assert any("eddsa-2022" in warning for warning in report["warnings"])
