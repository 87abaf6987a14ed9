"""Small builders for credentials used across core tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from credex.core import Ed25519Signer
from credex.core.credentials.identity import email_identity_object
from credex.core.dids.did_web import build_did_web_document, did_web_to_url

SEED = bytes(range(32))
OB_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def ob_credential(
    issuer: str, *, email: str = "learner@example.org", **extra: Any
) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": list(OB_CONTEXTS),
        "id": "urn:uuid:6a7a0a0e-6bd0-4a0f-9d5c-1b2e8f3c4d5e",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example Academy"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Digital storytelling",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [email_identity_object(email, salt="pepper")],
            "achievement": {
                "id": "https://example.org/achievements/1",
                "type": ["Achievement"],
                "name": "Digital storytelling",
                "description": "Tell stories about cultural heritage with digital media.",
                "criteria": {"narrative": "Complete the project."},
            },
        },
    }
    credential.update(extra)
    return credential


def did_key_signer() -> Ed25519Signer:
    return Ed25519Signer.from_seed(SEED)


def did_web_signer(
    did: str = "did:web:issuer.example:issuers:1",
) -> tuple[Ed25519Signer, dict[str, Any]]:
    """A signer for a did:web issuer and the `documents` map a verifier needs for it."""
    signer = Ed25519Signer.from_seed(SEED, controller=did, verification_method=f"{did}#key-1")
    document = build_did_web_document(
        did, [(f"{did}#key-1", signer.public_key_multibase)], [f"{did}#key-1"]
    )
    return signer, {did_web_to_url(did): document}


def copy_of(value: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(value)


NOW = datetime(2026, 6, 1, tzinfo=UTC)
