"""VP-JWTs for the `jwt_vc_json` format (OpenID4VP 1.0 §B.1.3.1; VC-JWT presentations).

The holder signs a JWT whose `vp` claim carries the credentials (VC-JWTs); `aud` must be the
verifier's full `client_id` and `nonce` the request's nonce (§B.1.3.1.4), which is what binds
the presentation to this request. The key is a verification method of the holder's DID
authorized for `authentication`, and its controller must be the presentation's `iss`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from credex.core.dids.resolver import resolve_verification_method
from credex.core.errors import ProofVerificationError
from credex.core.jwt_verify import ALGORITHMS, decode_jwt

SKEW = timedelta(seconds=60)


@dataclass(frozen=True)
class VerifiedVpJwt:
    holder: str
    credentials: list[Any]


def verify_vp_jwt(
    token: str,
    *,
    audience: str,
    nonce: str,
    documents: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> VerifiedVpJwt:
    """Verify signature, holder, `aud` and `nonce`; raises ParsingError/ProofVerificationError."""
    header, payload, signing_input, signature = decode_jwt(token)
    algorithm = ALGORITHMS.get(str(header.get("alg")))
    if algorithm is None or algorithm == "RSA":
        raise ProofVerificationError("the presentation must be signed with EdDSA or ES256")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:"):
        raise ProofVerificationError("the presentation's kid must be a DID URL of the holder")
    method = resolve_verification_method(kid, documents, purpose="authentication")
    if method.public_key.algorithm != algorithm or not method.public_key.verify(
        signature, signing_input
    ):
        raise ProofVerificationError("the presentation's signature does not verify")
    vp = payload.get("vp")
    holder = payload.get("iss") or (vp.get("holder") if isinstance(vp, Mapping) else None)
    if holder != method.controller:
        raise ProofVerificationError("the presentation was not signed by its holder")
    audiences = payload.get("aud")
    if audience not in (audiences if isinstance(audiences, list) else [audiences]):
        raise ProofVerificationError("the presentation is for another verifier (aud)")
    if payload.get("nonce") != nonce:
        raise ProofVerificationError("the presentation's nonce is not this request's")
    moment = (now or datetime.now(UTC)).timestamp()
    expires = payload.get("exp")
    if isinstance(expires, int | float) and moment > expires + SKEW.total_seconds():
        raise ProofVerificationError("the presentation has expired")
    if not isinstance(vp, Mapping):
        raise ProofVerificationError("the JWT carries no vp claim")
    types = vp.get("type")
    if "VerifiablePresentation" not in (types if isinstance(types, list) else [types]):
        raise ProofVerificationError("the vp claim is not a VerifiablePresentation")
    credentials = vp.get("verifiableCredential")
    credentials = credentials if isinstance(credentials, list) else [credentials]
    return VerifiedVpJwt(str(holder), [c for c in credentials if c is not None])
