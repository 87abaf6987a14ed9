"""Data Integrity: issue eddsa-rdfc-2022, ecdsa-rdfc-2019, ecdsa-sd-2023; also verify
ecdsa-jcs-2019 and Ed25519Signature2020."""

from credex.core.proofs.data_integrity import (
    ProofCheck,
    ProofResult,
    add_proof,
    select_cryptosuite,
    verify_proofs,
)

__all__ = ["ProofCheck", "ProofResult", "add_proof", "select_cryptosuite", "verify_proofs"]
