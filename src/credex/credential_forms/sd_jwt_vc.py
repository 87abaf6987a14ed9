"""An issued credential as an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc-18), on demand.

`render_sd_jwt_vc` turns the stored record into `<JWT>~<Disclosures>~` with header
`typ: dc+sd-jwt` and the issuer's `kid`, claims of one of the two types in `type_metadata`,
selectively disclosable exactly where that type says `sd: "always"`, and the registered claims:
`iss` (the issuer's profile URL: keys at `/.well-known/jwt-vc-issuer/issuers/<id>`), `iat`
(now), `exp`, a fresh `jti`, `vct`, `cnf.jwk` (the holder's public key, checked) and
`status.status_list {idx, uri}` (the credential's Token Status List entry). These are never
selectively disclosable (SD-JWT VC §3.2.2). Callers (the OID4VCI credential endpoint) have
already checked that the holder may receive the credential.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from credex.core import CoreError
from credex.core.dids.resolver import public_key_from_jwk
from credex.core.jwt_sign import numeric_date
from credex.core.sdjwt import issue_sd_jwt
from credex.credential_forms import claims as type_claims
from credex.credential_forms.issuer_keys import issuer_identifier, jose_signer
from credex.credential_forms.type_metadata import (
    LEARNING_CREDENTIAL,
    MICRO_CREDENTIAL,
    VCTS,
    mandatory_claims,
    selectively_disclosable,
)
from credex.db.base import utcnow
from credex.db.models import Credential, Issuer, Learner
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.settings import Settings
from credex.status_lists.token_list import status_of

SD_JWT_VC_TYPE = "dc+sd-jwt"
MEDIA_TYPE = "application/dc+sd-jwt"
LEARNING_CREDENTIAL_LIFETIME = timedelta(days=365)
"""`exp` of a Learning Credential whose record does not expire: the type requires `exp`, so
the wallet holds it for a year and asks for a fresh one (the record itself stays valid)."""
PUBLIC_JWK_MEMBERS = ("kty", "crv", "x", "y", "n", "e")


def render_sd_jwt_vc(
    session: Session,
    credential_id: uuid.UUID,
    settings: Settings,
    *,
    vct: str,
    holder_jwk: Mapping[str, Any],
) -> str:
    """The credential as an SD-JWT VC of type `vct`, bound to `holder_jwk`; ends with `~`.

    Raises NotFound (no such credential), InvalidInput (unknown `vct`, a holder key that is
    not a public JWK) or Conflict (revoked, or a mandatory claim of the type is missing).
    A credential issued before Token Status Lists existed gets its entry here.
    """
    if vct not in VCTS:
        raise InvalidInput(
            f"unknown SD-JWT VC type {vct!r}", errors=[field_error("/vct", f"one of {VCTS}")]
        )
    credential = session.get(Credential, credential_id)
    if credential is None:
        raise NotFound(f"no credential {credential_id}")
    if credential.status == "revoked":
        raise Conflict(f"credential {credential_id} is revoked")
    holder = _holder_key(holder_jwk)
    document = type_claims.issued_document(credential)
    if vct == LEARNING_CREDENTIAL:
        learner = session.get(Learner, credential.learner_id)
        issuer = session.get(Issuer, credential.issuer_id)
        assert learner is not None
        assert issuer is not None
        facts = type_claims.Learner(learner.name, learner.external_id or learner.email)
        body = type_claims.learning_credential_claims(document, facts, issuer.country)
    else:
        body = type_claims.micro_credential_claims(document)
    now = utcnow()
    expires = credential.valid_until
    if expires is None and vct == LEARNING_CREDENTIAL:
        expires = now + LEARNING_CREDENTIAL_LIFETIME
    registered: dict[str, Any] = {
        "iss": issuer_identifier(credential.issuer_id, settings.base_url),
        "jti": f"urn:uuid:{uuid.uuid4()}",
        "iat": numeric_date(now),
        "vct": vct,
        "cnf": {"jwk": holder},
        "status": status_of(session, credential, settings.base_url),
    }
    if expires is not None:
        registered["exp"] = numeric_date(expires)
    claims = {**body, **registered}
    missing = [name for name in mandatory_claims(vct) if name not in claims]
    if missing:
        raise Conflict(
            f"this credential lacks what the {vct} type requires: {', '.join(missing)}",
            missing=missing,
        )
    signer = jose_signer(session, credential.issuer_id, settings)
    header = {"typ": SD_JWT_VC_TYPE, "kid": signer.verification_method}
    try:
        issued = issue_sd_jwt(claims, selectively_disclosable(vct), signer, header=header)
    except CoreError as exc:
        raise Conflict(f"the SD-JWT VC could not be signed: {exc.detail}") from exc
    return issued.serialize()


def _holder_key(jwk: Mapping[str, Any]) -> dict[str, Any]:
    """The holder's public JWK, reduced to its key members (a private key is refused)."""
    try:
        public_key_from_jwk(dict(jwk))
    except CoreError as exc:
        raise InvalidInput(
            f"the holder key is not a usable public JWK: {exc.detail}",
            errors=[field_error("/holder_jwk", exc.detail)],
        ) from exc
    return {name: jwk[name] for name in PUBLIC_JWK_MEMBERS if name in jwk}


__all__ = ["LEARNING_CREDENTIAL", "MEDIA_TYPE", "MICRO_CREDENTIAL", "render_sd_jwt_vc"]
