"""What credex hands a verifier for a public or shared credential.

An `ecdsa-sd-2023` credential is stored with its base proof, which is for the holder only: it
carries the HMAC key that blinds the blank-node labels, and verifiers must refuse it
(VC-DI-ECDSA §3.6.5 step 3 / §3.4.4: "baseProof" is not a disclosure). So the public page, the
public address and share links present the derived credential that discloses exactly what the
issuer made mandatory (issuer, dates, status, the achievement, the subject's identifier), as
the learner's "share only these fields" does with nothing extra chosen. Any conformant verifier
accepts it; the learner can still derive and hand over more fields from the wallet.
"""

from __future__ import annotations

import json
from typing import Any

from credex.core import CoreError
from credex.core.ecdsa_sd import CRYPTOSUITE, derive
from credex.core.ecdsa_sd.proof_values import is_base_proof_value
from credex.db.models import Credential


def _single_base_proof(document: dict[str, Any]) -> bool:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return (
        len(proofs) == 1
        and isinstance(proofs[0], dict)
        and proofs[0].get("cryptosuite") == CRYPTOSUITE
        and is_base_proof_value(proofs[0].get("proofValue"))
    )


def mandatory_disclosure(document: dict[str, Any]) -> dict[str, Any] | None:
    """The derived credential disclosing only the mandatory fields, when `document` carries an
    ecdsa-sd-2023 base proof; None for any other credential."""
    if not _single_base_proof(document):
        return None
    try:
        return derive(document, [])
    except CoreError:
        return None  # a base proof credex cannot derive from: shown as stored, and it says so


def published_content(credential: Credential) -> str:
    """The credential's text as a verifier should receive it (JSON or compact JWS)."""
    if credential.format != "ldp":
        return credential.content
    try:
        document = json.loads(credential.content)
    except ValueError:
        return credential.content
    derived = mandatory_disclosure(document) if isinstance(document, dict) else None
    return credential.content if derived is None else json.dumps(derived, ensure_ascii=False)
