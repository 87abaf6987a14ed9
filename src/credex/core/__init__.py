"""credex.core: the pure library behind credex (no web framework, no database).

The stable facade other code, the CLI and external checks call:

    from credex.core import Ed25519Signer, sign_credential, verify_credential
    signer = Ed25519Signer.from_seed(bytes(32))
    signed = sign_credential(credential, signer)              # Data Integrity eddsa-rdfc-2022
    jws = sign_credential(credential, signer, format="jwt")   # VC-JWT (OB 3.0 profile)
    report = verify_credential(signed_or_jws_or_baked_bytes, documents=None, now=None)
"""

from credex.core.errors import CoreError
from credex.core.keys import Ed25519Signer, PublicKey, Signer
from credex.core.signing import InvalidCredentialError, sign_credential
from credex.core.verification import Check, VerificationReport, verify_credential

__all__ = [
    "Check",
    "CoreError",
    "Ed25519Signer",
    "InvalidCredentialError",
    "PublicKey",
    "Signer",
    "VerificationReport",
    "sign_credential",
    "verify_credential",
]
