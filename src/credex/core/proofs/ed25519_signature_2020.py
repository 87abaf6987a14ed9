"""Legacy Ed25519Signature2020 proofs (VC 1.1 era), verification only.

https://w3c-ccg.github.io/lds-ed25519-2020/ — the same two-hash construction as eddsa-rdfc-2022
(SHA-256 of the canonical proof configuration, then of the document, Ed25519 over both), but the
proof is `{"type": "Ed25519Signature2020", …}` without `cryptosuite`, and its terms come from the
`https://w3id.org/security/suites/ed25519-2020/v1` context, which the document must include.
The 1EdTech validator still accepts it with a warning; so does credex.
"""

from __future__ import annotations

from typing import Any

from credex.core.errors import ProofVerificationError
from credex.core.keys import PublicKey
from credex.core.proofs import cryptosuites as cs
from credex.core.proofs.cryptosuites import Transform

PROOF_TYPE = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
HASH = "sha256"
SIGNATURE_LENGTH = 64


def proof_configuration(options: dict[str, Any], document_context: Any) -> str:
    """Canonical proof options carrying the document's @context (as the W3C vector does)."""
    if options.get("type") != PROOF_TYPE:
        raise ProofVerificationError(f"proof must be {PROOF_TYPE}")
    return cs.proof_configuration(options, document_context, error=ProofVerificationError)


def verify_proof(
    transform: Transform, proof: dict[str, Any], document_context: Any, key: PublicKey
) -> bool:
    """Verify with the unsecured document's transformation and the resolved Ed25519 key."""
    cs.require_key(key, ("Ed25519",), PROOF_TYPE)
    proof_bytes = cs.decode_proof_value(proof, (SIGNATURE_LENGTH,))
    canonical_config = proof_configuration(proof, document_context)
    hash_data = cs.hash_data(canonical_config, transform(HASH), HASH)
    return key.verify(proof_bytes, hash_data)


SUITE = cs.Cryptosuite(
    PROOF_TYPE,
    None,
    verify_proof,
    legacy=True,
    warning="legacy Ed25519Signature2020 proof (VC 1.1 era)",
)
