"""`relatedResource` (VC DM 2.0 §5.3) through the VC-API: a context credex ships is checked
against the exact bytes it uses, and a mismatch fails verification naming the resource
(issue 13 §1); a resource that cannot be obtained is reported as "could not check"."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from fastapi.testclient import TestClient

from credex.core.jsonld import context_bytes
from credex.core.stacking import component_digest
from tests.api.test_vcapi import BASIC, assert_rejection, issue, tenant, verify

__all__ = ["tenant"]

V2 = "https://www.w3.org/ns/credentials/v2"


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def signed_with(client: TestClient, tenant: dict[str, Any], related: list[Any]) -> Any:
    response = issue(client, tenant, BASIC | {"relatedResource": related})
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def test_a_context_digest_that_matches_the_shipped_bytes_verifies(
    client: TestClient, tenant: dict[str, Any]
) -> None:
    shipped = context_bytes(V2)
    assert shipped is not None
    good = [{"id": V2, "digestSRI": sri(shipped), "digestMultibase": component_digest(shipped)}]
    response = verify(client, signed_with(client, tenant, good), ["proof"])
    assert response.status_code == 200, response.text


def test_a_context_digest_that_does_not_match_fails_and_names_the_context(
    client: TestClient, tenant: dict[str, Any]
) -> None:
    wrong = [{"id": V2, "digestSRI": sri(b"something else")}]
    response = verify(client, signed_with(client, tenant, wrong), ["proof"])
    assert_rejection(response)
    [error] = response.json()["errors"]
    assert error["check"] == "components"
    assert V2 in error["detail"]


def test_a_resource_that_cannot_be_obtained_is_could_not_check_not_a_pass(
    client: TestClient, tenant: dict[str, Any]
) -> None:
    elsewhere = [{"id": "https://resource.invalid/data.json", "digestSRI": sri(b"x")}]
    response = verify(client, signed_with(client, tenant, elsewhere))
    report = response.json()["report"]
    [check] = [c for c in report["checks"] if c["id"] == "components"]
    assert check["outcome"] == "error"
    assert check["required"] is False  # shown as "could not check", never as passed
    assert "https://resource.invalid/data.json" in check["detail"]
