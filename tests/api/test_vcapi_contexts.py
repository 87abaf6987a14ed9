"""One context engine (issue 13 §3): a credential whose terms JSON-LD 1.1 expansion defines is
never refused as "not defined by the @context", wherever the definition is (a context embedded
in a node, `@import`, `@propagate`, scoped contexts); what expansion leaves undefined still is."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.test_vcapi import assert_rejection, issue, tenant, verify

__all__ = ["tenant"]

V1 = ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"]
V2 = "https://www.w3.org/ns/credentials/v2"
ALUMNUS = "https://example.org/vocab#Alumnus"


def credential(contexts: list[Any], subject: dict[str, Any], version: str) -> dict[str, Any]:
    dates = {"issuanceDate": "2025-01-01T00:00:00Z"} if version == "1.1" else {}
    return {
        "@context": contexts,
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:ana"} | subject,
        **dates,
    }


DEFINED = {
    "a context embedded in the subject (VC 1.1, no @vocab)": credential(
        V1, {"@context": {"Alumnus": ALUMNUS}, "type": "Alumnus"}, "1.1"
    ),
    "a context embedded in the subject after @vocab null": credential(
        [V2, {"@vocab": None}], {"@context": {"Alumnus": ALUMNUS}, "type": "Alumnus"}, "2.0"
    ),
    "@import of a shipped context": credential(
        [*V1, {"@import": "https://www.w3.org/ns/credentials/examples/v2", "Alumnus": ALUMNUS}],
        {"type": "Alumnus"},
        "1.1",
    ),
    "a term with its own scoped context and @propagate": credential(
        [
            *V1,
            {
                "@propagate": True,
                "Alumnus": {
                    "@id": ALUMNUS,
                    "@context": {"alumniOf": "https://schema.org/alumniOf"},
                },
            },
        ],
        {"type": "Alumnus", "alumniOf": "Example University"},
        "1.1",
    ),
}


@pytest.mark.parametrize("name", list(DEFINED))
def test_terms_that_expansion_defines_are_accepted(
    client: TestClient, tenant: dict[str, Any], name: str
) -> None:
    issued = issue(client, tenant, DEFINED[name])
    assert issued.status_code == 201, issued.text
    verified = verify(client, issued.json()["verifiableCredential"], ["proof"])
    assert verified.status_code == 200, verified.text


def test_a_term_expansion_leaves_undefined_is_still_refused(
    client: TestClient, tenant: dict[str, Any]
) -> None:
    undefined = credential([V2, {"@vocab": None}], {"type": "Alumnus"}, "2.0")
    refused = issue(client, tenant, undefined)
    assert_rejection(refused)
    assert "not defined by the @context" in refused.text
