"""The ecdsa-rdfc-2019 cryptosuite (https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019).

The curve of the verification key picks the hash for BOTH halves of the hash data: P-256 uses
SHA-256 and P-384 uses SHA-384 (§3.3.4), and RDFC-1.0 runs with that same hash (the W3C P-384
test vectors label blank nodes with RDFC-1.0/SHA-384). Signatures are IEEE P1363 `r ‖ s`
(64 or 96 bytes). ECDSA signatures are randomized, so a re-signed test vector differs in its
proofValue but verifies; the canonical forms and hashes are byte-exact.
"""

from __future__ import annotations

from typing import Any

from credex.core.canon import canonicalize
from credex.core.errors import CoreError, ProofGenerationError, ProofVerificationError
from credex.core.keys import PublicKey, Signer
from credex.core.proofs import cryptosuites as cs
from credex.core.proofs.cryptosuites import Transform

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "ecdsa-rdfc-2019"
HASHES = {"P-256": "sha256", "P-384": "sha384"}
SIGNATURE_LENGTHS = {"P-256": 64, "P-384": 96}


def proof_configuration(
    options: dict[str, Any],
    document_context: Any,
    hash_name: str,
    error: type[CoreError] = ProofVerificationError,
) -> str:
    """§3.3.5 Proof Configuration: canonical proof options carrying the document's @context."""
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise error(f"proof must be {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    return cs.proof_configuration(options, document_context, error=error, rdfc_hash=hash_name)


def transformation(unsecured_document: dict[str, Any], hash_name: str) -> str:
    """§3.3.3 Transformation: RDFC-1.0 canonical N-Quads, run with the curve's hash."""
    return canonicalize(unsecured_document, rdfc_hash=hash_name)


def create_proof(
    unsecured_document: dict[str, Any], options: dict[str, Any], signer: Signer
) -> dict[str, Any]:
    """§3.3.1 Create Proof with a P-256 (or P-384) signer: options plus `proofValue`."""
    if signer.algorithm not in HASHES:
        raise ProofGenerationError(
            f"{CRYPTOSUITE} needs a P-256 or P-384 key, not {signer.algorithm}"
        )
    cs.check_generation_options(options, PROOF_TYPE, CRYPTOSUITE)
    hash_name = HASHES[signer.algorithm]
    canonical_config = proof_configuration(
        options, unsecured_document.get("@context"), hash_name, ProofGenerationError
    )
    transformed = transformation(unsecured_document, hash_name)
    signature = signer.sign(hashing(transformed, canonical_config, hash_name))
    if len(signature) != SIGNATURE_LENGTHS[signer.algorithm]:
        raise ProofGenerationError("the signer returned a signature of the wrong length")
    return {**options, "proofValue": cs.encode_proof_value(signature)}


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
