"""DCQL (OpenID4VP 1.0 §6): the queries credex's presets become, and checking an answer.

A preset is what an employer picks on `/verify` ("any micro-credential", "an EU Learning
Credential", "a given achievement", "a minimum EQF level", "only some claims"); each becomes one
query with one credential query per accepted format, bound together by a `credential_sets`
option list, so the wallet answers with whichever format it holds (§6.2). W3C formats name
types by fully expanded IRIs (§B.1.1, `type_values`); SD-JWT VCs by `vct_values` (§B.3.5).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credex.core.errors import ParsingError

FORMATS = ("dc+sd-jwt", "ldp_vc", "jwt_vc_json")
VC_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
OB_IRI = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
ELM_IRI = "http://data.europa.eu/snb/model/elm/EuropeanDigitalCredential"
LEARNING_VCT = "urn:eu.europa.ec.eudi:learning:credential:1"
TYPE_IRIS = {
    "VerifiableCredential": VC_IRI,
    "OpenBadgeCredential": OB_IRI,
    "AchievementCredential": OB_IRI,
    "EuropeanDigitalCredential": ELM_IRI,
}
PRESETS = (
    "micro-credential",
    "eu-learning-credential",
    "achievement",
    "min-eqf",
    "claims",
)
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
ClaimPath = tuple[str | int | None, ...]

# The claims an employer may ask for alone ("only some claims"), per format family.
W3C_CLAIMS: dict[str, ClaimPath] = {
    "name": ("credentialSubject", "name"),
    "achievement": ("credentialSubject", "achievement", "name"),
    "eqf": ("credentialSubject", "achievement", "eqfLevel"),
    "date": ("validFrom",),
    "issuer": ("issuer",),
    "ects": ("credentialSubject", "achievement", "ectsCredits"),
    "outcomes": ("credentialSubject", "achievement", "alignment"),
}
SD_JWT_CLAIMS: dict[str, ClaimPath] = {
    "name": ("family_name",),
    "achievement": ("achievement_title",),
    "eqf": ("level_of_learning_experience",),
    "date": ("date_of_issuance",),
    "issuer": ("issuing_authority",),
    "ects": ("expected_study_time",),
    "outcomes": ("learning_outcomes",),
}
CLAIM_CHOICES = tuple(W3C_CLAIMS)


def _w3c_query(
    query_id: str, fmt: str, claims: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    query: dict[str, Any] = {
        "id": query_id,
        "format": fmt,
        "meta": {"type_values": [[VC_IRI, OB_IRI]]},
    }
    if claims:
        query["claims"] = claims
    return query


def _sd_jwt_query(query_id: str, claims: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {
        "id": query_id,
        "format": "dc+sd-jwt",
        "meta": {"vct_values": [LEARNING_VCT]},
    }
    if claims:
        query["claims"] = claims
    return query


def _any_format(
    w3c_claims: list[dict[str, Any]] | None, sd_claims: list[dict[str, Any]] | None
) -> dict[str, Any]:
    credentials = [
        _w3c_query("ob_ldp", "ldp_vc", w3c_claims),
        _w3c_query("ob_jwt", "jwt_vc_json", w3c_claims),
        _sd_jwt_query("learning_sd_jwt", sd_claims),
    ]
    return {
        "credentials": credentials,
        "credential_sets": [
            {"options": [[query["id"]] for query in credentials], "required": True}
        ],
    }


def preset_query(
    preset: str,
    *,
    achievement_url: str | None = None,
    min_eqf: int | None = None,
    claims: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The DCQL query for one preset; raises ValueError naming what is missing."""
    if preset == "micro-credential":
        return _any_format(None, None)
    if preset == "eu-learning-credential":
        return {"credentials": [_sd_jwt_query("learning_credential")]}
    if preset == "achievement":
        if not achievement_url:
            raise ValueError("achievement_id is required for this preset")
        path = ["credentialSubject", "achievement", "id"]
        return _any_format([{"path": path, "values": [achievement_url]}], None)
    if preset == "min-eqf":
        if min_eqf is None or not 1 <= min_eqf <= 8:
            raise ValueError("min_eqf must be a level from 1 to 8")
        levels = list(range(min_eqf, 9))
        return _any_format(
            [{"path": list(W3C_CLAIMS["eqf"]), "values": levels}],
            [{"path": list(SD_JWT_CLAIMS["eqf"]), "values": levels}],
        )
    if preset == "claims":
        chosen = [name for name in claims or () if name in W3C_CLAIMS]
        if not chosen:
            raise ValueError(f"claims must name some of: {', '.join(CLAIM_CHOICES)}")
        return _any_format(
            [{"path": list(W3C_CLAIMS[name])} for name in chosen],
            [{"path": list(SD_JWT_CLAIMS[name])} for name in chosen],
        )
    raise ValueError(f"preset must be one of: {', '.join(PRESETS)}")


@dataclass(frozen=True)
class CredentialQuery:
    id: str
    format: str
    meta: Mapping[str, Any]
    claims: tuple[Mapping[str, Any], ...]
    require_binding: bool


def parse_query(query: Mapping[str, Any]) -> list[CredentialQuery]:
    """Check a DCQL query's shape (§6.1) and the formats credex verifies; raises ParsingError."""
    credentials = query.get("credentials")
    if not isinstance(credentials, list) or not credentials:
        raise ParsingError("dcql_query.credentials must be a non-empty array")
    parsed: list[CredentialQuery] = []
    for item in credentials:
        if not isinstance(item, Mapping):
            raise ParsingError("each credential query is an object")
        query_id, fmt, meta = item.get("id"), item.get("format"), item.get("meta")
        if not isinstance(query_id, str) or not _ID.match(query_id):
            raise ParsingError("a credential query id is made of A-Z, a-z, 0-9, _ and -")
        if fmt not in FORMATS:
            raise ParsingError(f"format must be one of {', '.join(FORMATS)}")
        if not isinstance(meta, Mapping):
            raise ParsingError("meta is required (it may be {})")
        claims = item.get("claims") or []
        if not isinstance(claims, list) or not all(
            isinstance(c, Mapping) and isinstance(c.get("path"), list) and c["path"] for c in claims
        ):
            raise ParsingError("each claims query needs a non-empty path")
        binding = item.get("require_cryptographic_holder_binding", True)
        parsed.append(CredentialQuery(query_id, str(fmt), meta, tuple(claims), binding is True))
    if len({q.id for q in parsed}) != len(parsed):
        raise ParsingError("credential query ids must be unique")
    return parsed


def required_options(query: Mapping[str, Any], ids: Sequence[str]) -> list[list[list[str]]]:
    """For each required credential set, its options; without sets, every query is required."""
    sets = query.get("credential_sets")
    if not isinstance(sets, list) or not sets:
        return [[[query_id]] for query_id in ids]
    return [
        [list(option) for option in entry.get("options", []) if isinstance(option, list)]
        for entry in sets
        if isinstance(entry, Mapping) and entry.get("required", True) is not False
    ]


def claim_values(document: Any, path: Sequence[str | int | None]) -> list[Any]:
    """Every value the claims path pointer (§7) selects; `null` selects all array elements."""
    current: list[Any] = [document]
    for step in path:
        following: list[Any] = []
        for value in current:
            if step is None and isinstance(value, list):
                following.extend(value)
            elif _has(value, step):
                following.append(value[step])
        current = following
    return current


def _has(value: Any, step: str | int | None) -> bool:
    if isinstance(step, int) and isinstance(value, list):
        return 0 <= step < len(value)
    return isinstance(step, str) and isinstance(value, Mapping) and step in value


def expanded_types(types: Any) -> set[str]:
    names = types if isinstance(types, list) else [types]
    return {TYPE_IRIS.get(name, name) for name in names if isinstance(name, str)}


def mismatches(query: CredentialQuery, credential: Mapping[str, Any]) -> list[str]:
    """Why a presented credential does not answer `query` (§6.4.1); empty when it does."""
    problems: list[str] = []
    if query.format == "dc+sd-jwt":
        accepted = query.meta.get("vct_values")
        if isinstance(accepted, list) and credential.get("vct") not in accepted:
            problems.append(f"its type {credential.get('vct')!r} is not one asked for")
    else:
        wanted = query.meta.get("type_values")
        have = expanded_types(credential.get("type"))
        if (
            isinstance(wanted, list)
            and wanted
            and not any(isinstance(option, list) and set(option) <= have for option in wanted)
        ):
            problems.append("it is not of a credential type that was asked for")
    for claim in query.claims:
        path = claim["path"]
        found = claim_values(credential, path)
        shown = "/".join("*" if step is None else str(step) for step in path)
        if not found:
            problems.append(f"the claim {shown} is missing")
            continue
        values = claim.get("values")
        if isinstance(values, list) and not any(value in values for value in found):
            problems.append(f"the claim {shown} does not have a value that was asked for")
    return problems


def disclosed(query: CredentialQuery, credential: Mapping[str, Any]) -> dict[str, Any]:
    """The claims the query asked for, as presented (all top-level claims when it named none)."""
    if not query.claims:
        return {key: value for key, value in credential.items() if not key.startswith("_")}
    shown: dict[str, Any] = {}
    for claim in query.claims:
        path = claim["path"]
        values = claim_values(credential, path)
        if values:
            key = "/".join("*" if step is None else str(step) for step in path)
            shown[key] = values[0] if len(values) == 1 else values
    return shown
