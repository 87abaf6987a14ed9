"""Verifying an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc-18 §3) on top of RFC 9901.

Beyond `verify_sd_jwt`: the header `typ` is `dc+sd-jwt` (`vc+sd-jwt`, the pre-2025 name, only
when the caller accepts it), `vct` is a string, the registered claims that must never be
selectively disclosable (`iss`, `nbf`, `exp`, `cnf`, `vct`, `vct#integrity`, `status`) are in
the Issuer-signed payload itself, and `status.status_list` (when present) is `{idx, uri}` with
a non-negative integer index (Token Status List §6.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from credex.core.errors import ProofVerificationError
from credex.core.sdjwt.present import SdJwt
from credex.core.sdjwt.verify import KeySource, VerifiedSdJwt, verify_sd_jwt

SD_JWT_VC_TYPE = "dc+sd-jwt"
LEGACY_TYPE = "vc+sd-jwt"
NEVER_DISCLOSED = ("iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status")


def verify_sd_jwt_vc(
    text: str, issuer_key: KeySource, *, accept_legacy_type: bool = False, **options: Any
) -> VerifiedSdJwt:
    """`verify_sd_jwt` with the SD-JWT VC rules; `options` are `verify_sd_jwt`'s keywords."""
    types = (SD_JWT_VC_TYPE, LEGACY_TYPE) if accept_legacy_type else (SD_JWT_VC_TYPE,)
    verified = verify_sd_jwt(text, issuer_key, typ=types, **options)
    signed = SdJwt.parse(text).payload()
    for name in NEVER_DISCLOSED:
        if name in verified.claims and name not in signed:
            raise ProofVerificationError(f"{name} must not be selectively disclosable (SD-JWT VC)")
    if not isinstance(verified.claims.get("vct"), str):
        raise ProofVerificationError("an SD-JWT VC needs a vct string")
    status = verified.claims.get("status")
    if status is not None:
        _check_status(status)
    return verified


def _check_status(status: Any) -> None:
    entry = status.get("status_list") if isinstance(status, Mapping) else None
    if entry is None:
        return  # another status mechanism: not ours to judge
    index = entry.get("idx") if isinstance(entry, Mapping) else None
    if (
        not isinstance(index, int)
        or isinstance(index, bool)
        or index < 0
        or not isinstance(entry.get("uri"), str)
    ):
        raise ProofVerificationError("status.status_list must be {idx: integer >= 0, uri: string}")
