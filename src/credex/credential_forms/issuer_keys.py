"""The issuer key that signs JOSE forms (SD-JWT VCs, Token Status Lists) and its discovery.

JOSE forms are signed ES256 with the issuer's P-256 key: the EUDI Wallet (HAIP) and DIIP v4
require it. Verifiers find the key through JWT VC Issuer Metadata (SD-JWT VC §"JWT VC Issuer
Metadata"): `iss` is the issuer's profile URL `<base>/issuers/<id>` (also its OID4VCI issuer id)
and `GET /.well-known/jwt-vc-issuer/issuers/<id>` returns `{"issuer": iss, "jwks": {"keys"}}`;
the JWS header's `kid` is the key's DID URL (`did:web:…#key-n`), which also resolves through
the issuer's DID document. Compromised keys are left out of the JWKS (a JWK set cannot say
"valid only before"). Issuers have no X.509 certificates, so no `x5c`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from credex.core.keys import KeyAlgorithm
from credex.errors import NotFound
from credex.issuers import repository as issuers
from credex.issuers.public import profile_url
from credex.keys.signer import IssuerKeySigner, issuer_public_jwks, signer_for_issuer
from credex.settings import Settings

JOSE_KEY: KeyAlgorithm = "P-256"


def jose_signer(session: Session, issuer_id: uuid.UUID, settings: Settings) -> IssuerKeySigner:
    """The issuer's active P-256 key (created on first need for older issuers), for ES256."""
    return signer_for_issuer(session, issuer_id, settings, algorithm=JOSE_KEY)


def issuer_identifier(issuer_id: uuid.UUID, base_url: str) -> str:
    """`iss` of the issuer's SD-JWT VCs and Status List Tokens (= the OID4VCI issuer id)."""
    return profile_url(issuer_id, base_url)


def jwt_vc_issuer_metadata(
    session: Session, issuer_id: uuid.UUID, settings: Settings
) -> dict[str, Any]:
    """`{"issuer", "jwks"}` for one issuer: its active and retired keys, each with its `kid`."""
    if issuers.find_issuer(session, issuer_id) is None:
        raise NotFound(f"no issuer {issuer_id}")
    keys = issuer_public_jwks(session, issuer_id, settings)
    return {"issuer": issuer_identifier(issuer_id, settings.base_url), "jwks": {"keys": keys}}
