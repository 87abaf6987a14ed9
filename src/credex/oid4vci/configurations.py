"""Credential configurations: which forms each achievement is offered in (OID4VCI 1.0 §12.2.4).

A configuration id is `<achievement id>_<form>`. `ldp_vc` is the OB 3.0 credential as stored
(Data Integrity `eddsa-rdfc-2022`), `jwt_vc_json` the same credential as a VC-JWT bound to the
holder's key (`did:jwk` subject); the two `dc+sd-jwt` forms are added by `sd_jwt_forms`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from credex.db.models import Achievement, Issuer
from credex.issuers.public import profile_url

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
PROOF_TYPES = {"jwt": {"proof_signing_alg_values_supported": ["ES256", "EdDSA"]}}


@dataclass(frozen=True)
class Form:
    """One way of delivering a credential: its OID4VCI format and what the wallet must send."""

    name: str
    format: str
    binds_holder: bool  # needs a key proof; the credential names the holder's key
    signing_algs: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)  # credential_definition / vct
    label: str = ""
    claims: tuple[dict[str, Any], ...] = ()  # credential_metadata.claims, when not the W3C ones


_FORMS: dict[str, Form] = {
    "ldp_vc": Form(
        "ldp_vc",
        "ldp_vc",
        binds_holder=False,
        signing_algs=("eddsa-rdfc-2022",),
        extra={"credential_definition": {"@context": [VC_V2, OB_V3], "type": OB_TYPES}},
        label="Open Badges 3.0 (Data Integrity)",
    ),
    "jwt_vc_json": Form(
        "jwt_vc_json",
        "jwt_vc_json",
        binds_holder=True,
        signing_algs=("ES256",),
        extra={"credential_definition": {"type": OB_TYPES}},
        label="Open Badges 3.0 (VC-JWT)",
    ),
}


def register_form(form: Form) -> None:
    """Offer another form (an SD-JWT VC type) for every achievement."""
    _FORMS[form.name] = form


def forms() -> list[Form]:
    return list(_FORMS.values())


def credential_issuer_id(issuer_id: uuid.UUID, base_url: str) -> str:
    """The Credential Issuer Identifier: the issuer's profile URL (also the proofs' `aud`)."""
    return profile_url(issuer_id, base_url)


def configuration_id(achievement_id: uuid.UUID, form: str) -> str:
    return f"{achievement_id}_{form}"


def parse_configuration_id(value: object) -> tuple[uuid.UUID, Form] | None:
    """(achievement id, form) of a configuration id, or None when it is not one of ours."""
    if not isinstance(value, str) or "_" not in value:
        return None
    head, _, tail = value.partition("_")
    form = _FORMS.get(tail)
    try:
        achievement_id = uuid.UUID(head)
    except ValueError:
        return None
    return (achievement_id, form) if form is not None and str(achievement_id) == head else None


def configuration_ids(achievement_id: uuid.UUID) -> list[str]:
    return [configuration_id(achievement_id, form.name) for form in _FORMS.values()]


def _text(language_map: dict[str, Any] | None, lang: str) -> str | None:
    if not language_map:
        return None
    value = language_map.get(lang) or next(iter(language_map.values()), None)
    return str(value) if value else None


def display(achievement: Achievement, issuer: Issuer) -> list[dict[str, Any]]:
    """`display` entries: one per language the achievement's name is given in."""
    entries = []
    for locale, name in sorted(
        achievement.name.items(), key=lambda kv: kv[0] != achievement.language
    ):
        entry: dict[str, Any] = {"name": str(name), "locale": locale}
        description = (achievement.description or {}).get(locale)
        if description:
            entry["description"] = str(description)[:300]
        if achievement.image and achievement.image.startswith("https://"):
            entry["logo"] = {"uri": achievement.image, "alt_text": str(name)}
        entries.append(entry)
    return entries


_W3C_CLAIMS = (
    (("credentialSubject", "achievement", "name"), "Title"),
    (("credentialSubject", "achievement", "description"), "Description"),
    (("issuer", "name"), "Awarded by"),
    (("validFrom",), "Valid from"),
)


def configuration(achievement: Achievement, issuer: Issuer, form: Form) -> dict[str, Any]:
    """One entry of `credential_configurations_supported`."""
    config: dict[str, Any] = {
        "format": form.format,
        "scope": configuration_id(achievement.id, form.name),
        "credential_signing_alg_values_supported": list(form.signing_algs),
        **form.extra,
    }
    if form.binds_holder:
        config["cryptographic_binding_methods_supported"] = (
            ["jwk"] if form.format == "dc+sd-jwt" else ["did:jwk"]
        )
        config["proof_types_supported"] = PROOF_TYPES
    metadata: dict[str, Any] = {"display": display(achievement, issuer)}
    if form.claims:
        metadata["claims"] = list(form.claims)
    elif form.format in ("ldp_vc", "jwt_vc_json"):
        metadata["claims"] = [
            {"path": list(path), "display": [{"name": label, "locale": "en"}]}
            for path, label in _W3C_CLAIMS
        ]
    config["credential_metadata"] = metadata
    return config
