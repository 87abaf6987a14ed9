"""The two SD-JWT VC configurations (`dc+sd-jwt`), rendered by `credex.credential_forms`.

- `<achievement>_learning_credential`: the EU Digital Identity Wallet Learning Credential
  (`vct` `urn:eu.europa.ec.eudi:learning:credential:1`, its claim names exactly).
- `<achievement>_micro_credential`: DC4EU's OB 3.0-shaped micro-credential
  (`vct` `urn:eudi:micro_credential:1`).
Both are bound to the proof's key (`cnf.jwk`), signed ES256 with the issuer's P-256 key, carry a
Token Status List entry, and disclose selectively what their type metadata marks `sd: always`.
Their `credential_metadata.claims` come from the same type metadata, so they cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from credex.credential_forms.sd_jwt_vc import (
    LEARNING_CREDENTIAL,
    MICRO_CREDENTIAL,
    render_sd_jwt_vc,
)
from credex.credential_forms.type_metadata import type_metadata
from credex.db.models import Credential
from credex.errors import CredexError
from credex.oid4vci.configurations import Form, register_form
from credex.oid4vci.formats import RenderingFailed, register_renderer
from credex.settings import Settings

FORMS = {
    "learning_credential": (LEARNING_CREDENTIAL, "EU Learning Credential (SD-JWT VC)"),
    "micro_credential": (MICRO_CREDENTIAL, "Micro-credential (SD-JWT VC)"),
}


def claims_metadata(vct: str) -> list[dict[str, Any]]:
    """OID4VCI `credential_metadata.claims` (§B.2) from the type metadata's claims."""
    claims = []
    for claim in type_metadata(vct).get("claims", []):
        entry: dict[str, Any] = {"path": claim["path"]}
        if "mandatory" in claim:
            entry["mandatory"] = bool(claim["mandatory"])
        display = [
            {"name": item["label"], "locale": item["locale"]}
            for item in claim.get("display", [])
            if "label" in item and "locale" in item
        ]
        if display:
            entry["display"] = display
        claims.append(entry)
    return claims


def _renderer(vct: str) -> Any:
    def render(
        session: Session,
        credential: Credential,
        form: Form,
        holder_jwk: dict[str, Any],
        settings: Settings,
    ) -> str:
        try:
            return render_sd_jwt_vc(
                session, credential.id, settings, vct=vct, holder_jwk=holder_jwk
            )
        except CredexError as exc:
            raise RenderingFailed(exc.detail) from exc

    return render


def install_sd_jwt_forms() -> None:
    for name, (vct, label) in FORMS.items():
        register_form(
            Form(
                name,
                "dc+sd-jwt",
                binds_holder=True,
                signing_algs=("ES256",),
                extra={"vct": vct},
                label=label,
                claims=tuple(claims_metadata(vct)),
            )
        )
        register_renderer(name, _renderer(vct))
