"""VC-JWT for Open Badges 3.0 (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof).

One import point for callers; signing lives in `jwt_sign`, parsing and verification in
`jwt_verify`, so each stays small.
"""

from __future__ import annotations

from credex.core.jwt_sign import sign_jwt
from credex.core.jwt_verify import JwtResult, decode_jwt, looks_like_jws, verify_jwt

__all__ = ["JwtResult", "decode_jwt", "looks_like_jws", "sign_jwt", "verify_jwt"]
