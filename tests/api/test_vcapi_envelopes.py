"""VC-API: only JSON objects are credentials, and a VC-JWT travels as an
EnvelopedVerifiableCredential both ways (issue 13 §2; VC DM 2.0 §4.13, VC-JOSE-COSE)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credex.core.jwt import decode_jwt
from tests.api.test_vcapi import BASIC, assert_rejection, issue, tenant, verify

__all__ = ["tenant"]

DATED = BASIC | {
    "id": "urn:uuid:3f1c0f5e-2b1d-4a52-9d7c-7a1c3e5f9b20",
    "validFrom": "2025-01-01T00:00:00Z",
}
PREFIX = "data:application/vc+jwt,"


def test_issue_returns_an_enveloped_vc_jwt_when_asked(
    client: TestClient, tenant: dict[str, Any]
) -> None:
    response = issue(client, tenant, DATED, format="application/vc+jwt")
    assert response.status_code == 201, response.text
    envelope = response.json()["verifiableCredential"]
    assert envelope["@context"] == "https://www.w3.org/ns/credentials/v2"
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    assert envelope["id"].startswith(PREFIX)
    _header, payload, _input, _signature = decode_jwt(envelope["id"].removeprefix(PREFIX))
    assert payload["iss"] == tenant["did"]
    assert payload["credentialSubject"] == BASIC["credentialSubject"]

    verified = verify(client, envelope, ["proof"])
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True

    tampered = envelope | {"id": envelope["id"][:-4] + "AAAA"}
    assert_rejection(verify(client, tampered, ["proof"]))
    bad_form = issue(client, tenant, DATED, format="application/vc+cose")
    assert bad_form.status_code == 400
    assert bad_form.json()["errors"][0]["pointer"] == "/options/format"


@pytest.mark.parametrize("as_text", [True, False], ids=["json-in-a-string", "bare-jwt"])
def test_a_credential_that_is_not_a_json_object_is_refused(
    client: TestClient, tenant: dict[str, Any], as_text: bool
) -> None:
    signed = issue(client, tenant, DATED).json()["verifiableCredential"]
    token = (
        issue(client, tenant, DATED, format="application/vc+jwt")
        .json()["verifiableCredential"]["id"]
        .removeprefix(PREFIX)
    )
    response = verify(client, json.dumps(signed) if as_text else token, ["proof"])
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["pointer"] == "/verifiableCredential"
    assert verify(client, signed, ["proof"]).status_code == 200  # the same, as an object
