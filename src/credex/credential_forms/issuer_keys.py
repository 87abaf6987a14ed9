"""The issuer key that signs JOSE forms (SD-JWT VCs, Token Status Lists) and its discovery.

Verifiers find it through JWT VC Issuer Metadata (SD-JWT VC §"JWT VC Issuer Metadata"): `iss`
is the issuer's profile URL `<base>/issuers/<id>` and `GET /.well-known/jwt-vc-issuer/issuers/<id>`
returns `{"issuer": iss, "jwks": {"keys": [...]}}`; the JWS header's `kid` is the key's DID URL
(`did:web:…#key-n`), which also resolves through the issuer's DID document. Compromised keys
are left out of the JWKS: an SD-JWT VC has no way to say "valid only before", so none of
their signatures verify (the safer failure). Issuers have no X.509 certificates, so no `x5c`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from credex.core import PublicKey
from credex.core.jose import JOSE_ALGORITHMS, public_jwk
from credex.errors import NotFound
from credex.issuers import repository as issuers
from credex.issuers.public import issuer_did, profile_url, verification_method_id
from credex.keys.signer import IssuerKeySigner, signer_for_issuer
from credex.settings import Settings


def jose_signer(session: Session, issuer_id: uuid.UUID, settings: Settings) -> IssuerKeySigner:
    """The issuer's active signing key, as a signer for compact JWS."""
    return signer_for_issuer(session, issuer_id, settings)


def issuer_identifier(issuer_id: uuid.UUID, base_url: str) -> str:
    """`iss` of the issuer's SD-JWT VCs and Status List Tokens (= the OID4VCI issuer id)."""
    return profile_url(issuer_id, base_url)


def jwt_vc_issuer_metadata(
    session: Session, issuer_id: uuid.UUID, settings: Settings
) -> dict[str, Any]:
    """`{"issuer", "jwks"}` for one issuer: every key that is not compromised, with its `kid`."""
    if issuers.find_issuer(session, issuer_id) is None:
        raise NotFound(f"no issuer {issuer_id}")
    did = issuer_did(issuer_id, settings.base_url)
    keys = []
    for key in issuers.keys_of(session, issuer_id):
        if key.status == "compromised":
            continue
        public = PublicKey.from_multikey(key.public_key_multibase)
        jwk = public_jwk(public)
        jwk.update(
            kid=verification_method_id(did, key.number),
            alg=JOSE_ALGORITHMS[public.algorithm],
            use="sig",
        )
        keys.append(jwk)
    return {"issuer": issuer_identifier(issuer_id, settings.base_url), "jwks": {"keys": keys}}
