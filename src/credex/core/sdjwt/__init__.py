"""SD-JWT (RFC 9901): selective disclosure for JWTs - issue, present, verify.

issued = issue_sd_jwt(claims, [["family_name"]], signer, header={"typ": "dc+sd-jwt"})
shown = present(issued.serialize(), [["family_name"]], holder=holder_signer,
                audience="https://verifier.example", nonce=nonce, issued_at=now)
verified = verify_sd_jwt(shown, issuer_jwk, require_key_binding=True,
                         audience="https://verifier.example", nonce=nonce)
"""

from credex.core.sdjwt.disclosures import Disclosure, digest, new_salt
from credex.core.sdjwt.issue import ClaimPath, IssuedSdJwt, conceal, issue_sd_jwt
from credex.core.sdjwt.present import SdJwt, key_binding_jwt, present, sd_hash
from credex.core.sdjwt.process import process_payload
from credex.core.sdjwt.vc import verify_sd_jwt_vc
from credex.core.sdjwt.verify import VerifiedSdJwt, verify_sd_jwt

__all__ = [
    "ClaimPath",
    "Disclosure",
    "IssuedSdJwt",
    "SdJwt",
    "VerifiedSdJwt",
    "conceal",
    "digest",
    "issue_sd_jwt",
    "key_binding_jwt",
    "new_salt",
    "present",
    "process_payload",
    "sd_hash",
    "verify_sd_jwt",
    "verify_sd_jwt_vc",
]
