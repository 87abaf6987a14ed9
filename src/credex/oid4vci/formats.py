"""Format adapters: the one stored credential rendered in the form a wallet asked for.

- `ldp_vc`: the OB 3.0 credential exactly as stored when it was issued with Data Integrity; a
  credential issued as VC-JWT is re-secured with the issuer's active key (same content).
- `jwt_vc_json`: the same OB 3.0 credential as a VC-JWT (OB 3.0 §8.2), signed ES256 with the
  issuer's P-256 key (DIIP, HAIP), whose subject is the holder's key as `did:jwk` (VCI §F.1
  holder binding); its Data Integrity proof is left out.
- other forms (`dc+sd-jwt`): a renderer registered with `register_renderer`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from credex.core import CoreError, sign_credential
from credex.core.jose import sign_compact
from credex.core.jwt_sign import claims_for, credential_from_payload
from credex.core.key_proof import did_jwk
from credex.db.models import Credential
from credex.keys.signer import signer_for_issuer
from credex.oid4vci.configurations import Form
from credex.settings import Settings

Renderer = Callable[[Session, Credential, Form, dict[str, Any], Settings], str]
"""(session, credential, form, holder public JWK, settings) → the credential string."""

_renderers: dict[str, Renderer] = {}


class RenderingFailed(Exception):
    """The credential cannot be produced in this form."""


def register_renderer(form: str, renderer: Renderer) -> None:
    _renderers[form] = renderer


def stored_document(credential: Credential) -> dict[str, Any]:
    """The OB 3.0 credential the row holds (a VC-JWT's payload without its JWT claims)."""
    if credential.format == "ldp":
        document: dict[str, Any] = json.loads(credential.content)
        return document
    payload = credential.content.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return credential_from_payload(claims)


def render(
    session: Session,
    credential: Credential,
    form: Form,
    holder_jwk: dict[str, Any] | None,
    settings: Settings,
) -> Any:
    """The credential in `form`: a JSON object (`ldp_vc`) or a string (JWT-based forms)."""
    renderer = _renderers.get(form.name)
    if renderer is not None:
        if holder_jwk is None:
            raise RenderingFailed(f"{form.name} needs a holder key")
        return renderer(session, credential, form, holder_jwk, settings)
    try:
        if form.name == "ldp_vc":
            if credential.format == "ldp":
                return json.loads(credential.content)
            signer = signer_for_issuer(session, credential.issuer_id, settings)
            return sign_credential(stored_document(credential), signer)
        if form.name == "jwt_vc_json":
            if holder_jwk is None:
                raise RenderingFailed("jwt_vc_json needs a holder key")
            document = {k: v for k, v in stored_document(credential).items() if k != "proof"}
            subject = dict(document["credentialSubject"])
            subject["id"] = did_jwk(holder_jwk)
            document["credentialSubject"] = subject
            signer = signer_for_issuer(session, credential.issuer_id, settings, algorithm="P-256")
            header = {"typ": "JWT", "kid": signer.verification_method}
            return sign_compact(header, {**document, **claims_for(document)}, signer)
    except CoreError as exc:
        raise RenderingFailed(f"the credential could not be secured: {exc.detail}") from exc
    raise RenderingFailed(f"no renderer for {form.name}")
