"""The eddsa-rdfc-2022 cryptosuite (https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022).

Ed25519 (RFC 8032, pure EdDSA) over SHA-256(canonical proof configuration) ‖ SHA-256(canonical
document), both canonicalized with RDFC-1.0. This is the suite credex issues with; signing is
deterministic, so re-signing the W3C test vector reproduces its proofValue byte for byte.
"""

from __future__ import annotations

from typing import Any

from credex.core.canon import canonicalize
from credex.core.errors import ProofGenerationError, ProofVerificationError
from credex.core.keys import PublicKey, Signer
from credex.core.proofs import cryptosuites as cs
from credex.core.proofs.cryptosuites import Transform

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
# The pre-standard name of the same algorithm (VC DI EdDSA drafts before the REC); verified,
# with a warning, as 1EdTech's OB 3.0 validator does (OBVAL `testEddsa2022Warning`).
LEGACY_CRYPTOSUITE = "eddsa-2022"
HASH = "sha256"
SIGNATURE_LENGTH = 64


def transformation(unsecured_document: dict[str, Any]) -> str:
    """§3.2.3 Transformation: RDFC-1.0 canonical N-Quads of the unsecured document."""
    return canonicalize(unsecured_document)


def proof_configuration(
    options: dict[str, Any], document_context: Any, *, generating: bool = False
) -> str:
    """§3.2.5 Proof Configuration: canonical proof options carrying the document's @context."""
    error = ProofGenerationError if generating else ProofVerificationError
    names = (CRYPTOSUITE,) if generating else (CRYPTOSUITE, LEGACY_CRYPTOSUITE)
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") not in names:
        raise error(f"proof must be {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    return cs.proof_configuration(options, document_context, error=error)


def hashing(transformed_document: str, canonical_proof_config: str) -> bytes:
    """§3.2.4 Hashing: SHA-256(proof configuration) ‖ SHA-256(document), 64 bytes."""
    return cs.hash_data(canonical_proof_config, transformed_document, HASH)


def serialization(hash_data: bytes, signer: Signer) -> bytes:
    """§3.2.6 Proof Serialization: the Ed25519 signature of the hash data."""
    if signer.algorithm != "Ed25519":
        raise ProofGenerationError(f"{CRYPTOSUITE} needs an Ed25519 key, not {signer.algorithm}")
    signature = signer.sign(hash_data)
    if len(signature) != SIGNATURE_LENGTH:
        raise ProofGenerationError("the signer returned a signature that is not 64 bytes")
    return signature


def verification(hash_data: bytes, proof_bytes: bytes, public_key: PublicKey) -> bool:
    """§3.2.7 Proof Verification: Ed25519 verify with the verification method's key."""
    cs.require_key(public_key, ("Ed25519",), CRYPTOSUITE)
    return public_key.verify(proof_bytes, hash_data)


def create_proof(
    unsecured_document: dict[str, Any],
    options: dict[str, Any],
    signer: Signer,
    *,
    transformed_document: str | None = None,
) -> dict[str, Any]:
    """§3.2.1 Create Proof: returns the options plus `proofValue` (`z` + base58btc)."""
    cs.check_generation_options(options, PROOF_TYPE, CRYPTOSUITE)
    canonical_config = proof_configuration(
        options, unsecured_document.get("@context"), generating=True
    )
    if transformed_document is None:
        transformed_document = transformation(unsecured_document)
    signature = serialization(hashing(transformed_document, canonical_config), signer)
    return {**options, "proofValue": cs.encode_proof_value(signature)}


def verify_proof(
    transform: Transform, proof: dict[str, Any], document_context: Any, key: PublicKey
) -> bool:
    """§3.2.2 Verify Proof, given the unsecured document's transformation and the resolved key."""
    proof_bytes = cs.decode_proof_value(proof, (SIGNATURE_LENGTH,))
    canonical_config = proof_configuration(proof, document_context)
    return verification(hashing(transform(HASH), canonical_config), proof_bytes, key)


SUITE = cs.Cryptosuite(PROOF_TYPE, CRYPTOSUITE, verify_proof)
LEGACY_SUITE = cs.Cryptosuite(
    PROOF_TYPE,
    LEGACY_CRYPTOSUITE,
    verify_proof,
    legacy=True,
    warning=f"pre-standard cryptosuite name {LEGACY_CRYPTOSUITE} (now {CRYPTOSUITE})",
)
