"""The ecdsa-rdfc-2019 cryptosuite, verification only (https://www.w3.org/TR/vc-di-ecdsa/).

The curve of the verification key picks the hash for BOTH halves of the hash data: P-256 uses
SHA-256 and P-384 uses SHA-384 (§3.3.4), and RDFC-1.0 runs with that same hash (the W3C P-384
test vectors label blank nodes with RDFC-1.0/SHA-384). Signatures are IEEE P1363 `r ‖ s`
(64 or 96 bytes). ECDSA signatures are randomized, so credex does not issue with it; it
verifies other issuers' proofs.
"""

from __future__ import annotations

from typing import Any

from credex.core.errors import ProofVerificationError
from credex.core.keys import PublicKey
from credex.core.proofs import cryptosuites as cs
from credex.core.proofs.cryptosuites import Transform

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "ecdsa-rdfc-2019"
HASHES = {"P-256": "sha256", "P-384": "sha384"}
SIGNATURE_LENGTHS = {"P-256": 64, "P-384": 96}


def proof_configuration(options: dict[str, Any], document_context: Any, hash_name: str) -> str:
    """§3.3.5 Proof Configuration: canonical proof options carrying the document's @context."""
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofVerificationError(f"proof must be {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    return cs.proof_configuration(
        options, document_context, error=ProofVerificationError, rdfc_hash=hash_name
    )


def hashing(transformed_document: str, canonical_proof_config: str, hash_name: str) -> bytes:
    """§3.3.4 Hashing: the curve's hash of proof configuration ‖ of the document."""
    return cs.hash_data(canonical_proof_config, transformed_document, hash_name)


def verify_proof(
    transform: Transform, proof: dict[str, Any], document_context: Any, key: PublicKey
) -> bool:
    """§3.3.2 Verify Proof, given the unsecured document's transformation and the resolved key."""
    cs.require_key(key, tuple(HASHES), CRYPTOSUITE)
    hash_name = HASHES[key.algorithm]
    proof_bytes = cs.decode_proof_value(proof, (SIGNATURE_LENGTHS[key.algorithm],))
    canonical_config = proof_configuration(proof, document_context, hash_name)
    return key.verify(proof_bytes, hashing(transform(hash_name), canonical_config, hash_name))


SUITE = cs.Cryptosuite(PROOF_TYPE, CRYPTOSUITE, verify_proof)
