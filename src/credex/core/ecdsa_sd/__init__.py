"""ecdsa-sd-2023 selective disclosure (https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023).

Issue base proofs with `credex.core.proofs.add_proof(..., cryptosuite="ecdsa-sd-2023",
mandatory_pointers=[...])`, derive disclosed credentials with `derive`, verify derived ones with
`credex.core.proofs.verify_proofs` (which refuses base proofs, as verifiers must); holders check
a base proof with `verify_base_proof`.
"""

from credex.core.ecdsa_sd.suite import CRYPTOSUITE, create_base_proof, derive, verify_base_proof

__all__ = ["CRYPTOSUITE", "create_base_proof", "derive", "verify_base_proof"]
