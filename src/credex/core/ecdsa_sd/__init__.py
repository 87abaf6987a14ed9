"""ecdsa-sd-2023 selective disclosure (https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023).

Issue base proofs with `credex.core.proofs.add_proof(..., cryptosuite="ecdsa-sd-2023",
mandatory_pointers=[...])`, derive disclosed credentials with `derive`, verify either with
`credex.core.proofs.verify_proofs`.
"""

from credex.core.ecdsa_sd.suite import CRYPTOSUITE, create_base_proof, derive

__all__ = ["CRYPTOSUITE", "create_base_proof", "derive"]
