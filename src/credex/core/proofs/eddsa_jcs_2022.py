"""The eddsa-jcs-2022 cryptosuite (https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022), verified.

The same construction as eddsa-rdfc-2022 (sign `SHA-256(proof configuration) ‖
SHA-256(document)` with Ed25519) with the JSON Canonicalization Scheme (RFC 8785) in place of
RDFC-1.0, as ecdsa-jcs-2019 does with ECDSA: the JCS steps are that suite's. credex verifies
such proofs from other issuers; it issues eddsa-rdfc-2022.
"""

from __future__ import annotations

import hashlib
from typing import Any

from credex.core.errors import ProofVerificationError
from credex.core.keys import PublicKey
from credex.core.proofs import cryptosuites as cs
from credex.core.proofs import ecdsa_jcs_2019 as jcs

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
HASH = "sha256"
SIGNATURE_LENGTH = 64


def transformation(unsecured_document: dict[str, Any]) -> str:
    """§3.3.3 Transformation: the JCS form of the unsecured document."""
    return jcs.canonical(unsecured_document).decode("utf-8")


def proof_configuration(options: dict[str, Any], unsecured_document: dict[str, Any]) -> str:
    """§3.3.5 Proof Configuration: the proof options (no proofValue) with the document's
    `@context`, JCS-canonicalized."""
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofVerificationError(f"proof must be {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    return jcs.proof_configuration(options, unsecured_document).decode("utf-8")


def verify_document(unsecured: dict[str, Any], proof: dict[str, Any], key: PublicKey) -> bool:
    """§3.3.2 Verify Proof: Ed25519 over SHA-256(configuration) ‖ SHA-256(document)."""
    cs.require_key(key, ("Ed25519",), CRYPTOSUITE)
    signature = cs.decode_proof_value(proof, (SIGNATURE_LENGTH,))
    config = proof_configuration(proof, unsecured).encode("utf-8")
    document = transformation(unsecured).encode("utf-8")
    hash_data = hashlib.sha256(config).digest() + hashlib.sha256(document).digest()
    return key.verify(signature, hash_data)


def _not_rdf(transform: cs.Transform, proof: dict[str, Any], context: Any, key: PublicKey) -> bool:
    raise ProofVerificationError(f"{CRYPTOSUITE} proofs are verified on the JSON document")


SUITE = cs.Cryptosuite(PROOF_TYPE, CRYPTOSUITE, _not_rdf, verify_document=verify_document)
