"""VC Data Model 2.0 / 1.1 structural validation of credentials and presentations.

The public entry points, and the rules a credential must follow. Runs before signing a
caller-supplied credential and as the "format" step of verification, so a document that the data
model makes invalid is refused before any proof work. The property checks live in
`vcdm_credential`, the presentation rules in `vcdm_presentation`, date parsing in `datetimes`.
https://www.w3.org/TR/vc-data-model-2.0/#basic-concepts
https://www.w3.org/TR/vc-data-model-1.1/#basic-concepts
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from credex.core import jsonld, multiformats
from credex.core.datetimes import parse_datetime_stamp, parse_time_as_utc_if_naive
from credex.core.vcdm_credential import (
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    JsonObject,
    Problem,
    TermScope,
    Version,
    check_context,
    check_id,
    check_optional_type,
    check_party,
    check_type,
    check_typed_objects,
    child,
    is_url,
    malformed,
    objects_of,
    show,
    vc_version,
)
from credex.core.vcdm_presentation import presentation_problems

__all__ = [
    "MALFORMED_VALUE_ERROR",
    "PARSING_ERROR",
    "Problem",
    "credential_problems",
    "is_url",
    "parse_datetime_stamp",
    "validate_credential",
    "validate_presentation",
    "validity_window",
    "vc_version",
]

Rule = Callable[[JsonObject, str, TermScope, Version], list[Problem]]

# Which date properties bound the validity period in each version (2.0 §4.9; 1.1 §4.6, §4.7).
_VALIDITY_KEYS: dict[Version, tuple[str, str]] = {
    "2.0": ("validFrom", "validUntil"),
    "1.1": ("issuanceDate", "expirationDate"),
}

# Objects that MUST carry a `type`, and the versions in which their `id` is also REQUIRED
# (2.0 §4.10, §4.11, §5.4-5.6 and Data Integrity §2.1 for `proof`; 1.1 §4.9, §5.4, §5.6).
_TYPED_OBJECTS: dict[str, frozenset[Version]] = {
    "credentialStatus": frozenset({"1.1"}),
    "credentialSchema": frozenset({"1.1", "2.0"}),
    "refreshService": frozenset({"1.1"}),
    "termsOfUse": frozenset(),
    "evidence": frozenset(),
    "proof": frozenset(),
}

# Subresource Integrity hash expressions (https://www.w3.org/TR/SRI/#the-integrity-attribute).
_SRI = re.compile(r"(?:sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}(?:\?\S*)?(?:\s+\S+)*")

# A language value object (VC DM 2.0 §11.1): only these keys, with a BCP 47 tag.
_LANGUAGE_VALUE_KEYS = ("@value", "@language", "@direction")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")

_MULTIBASE_DECODERS = {
    multiformats.BASE64URL: multiformats.decode_base64url,
    multiformats.BASE58BTC: multiformats.decode_base58btc,
}


def validate_credential(doc: Any) -> list[Problem]:
    """Every structural problem of a VC DM 2.0 or 1.1 credential; empty means it conforms."""
    if not isinstance(doc, Mapping):
        return [Problem(PARSING_ERROR, "", f"a credential must be a JSON object, not {show(doc)}")]
    return confirmed_by_expansion(doc, credential_problems(doc, ""))


def confirmed_by_expansion(doc: JsonObject, problems: list[Problem]) -> list[Problem]:
    """Keep an "undefined term" problem only if JSON-LD 1.1 expansion agrees.

    The term scope read from `@context` is a fast approximation; expansion is what decides
    (embedded contexts inside nodes, `@import`, `@propagate`, type- and property-scoped
    contexts), so a document that expands without losing the term is never refused for it. It
    runs only when the fast reading found such a problem.
    """
    if not any(problem.undefined_term for problem in problems):
        return problems
    undefined = jsonld.undefined_type_terms(dict(doc))
    if undefined is None:  # expansion failed: the contexts check reports why
        return problems
    return [p for p in problems if p.undefined_term is None or p.undefined_term in undefined]


def validate_presentation(doc: Any) -> list[Problem]:
    """Every structural problem of a presentation, including those of the credentials it embeds."""
    if not isinstance(doc, Mapping):
        detail = f"a presentation must be a JSON object, not {show(doc)}"
        return [Problem(PARSING_ERROR, "", detail)]
    problems, credentials = presentation_problems(doc)
    for pointer, credential in credentials:
        problems += credential_problems(credential, pointer)
    return confirmed_by_expansion(doc, problems)


def credential_problems(doc: JsonObject, at: str) -> list[Problem]:
    """The problems of a credential found at pointer `at` (presentations embed credentials)."""
    problems, scope = check_context(doc, at)
    version = vc_version(doc) or "2.0"
    for rule in _RULES:
        problems += rule(doc, at, scope, version)
    return problems


def validity_window(doc: JsonObject) -> tuple[datetime | None, datetime | None]:
    """(validFrom, validUntil), or (issuanceDate, expirationDate) for a VC DM 1.1 credential.

    A value without a time zone offset is read as UTC (VC DM 2.0 §4.9.1). Raises `ValueError`
    when a present value is not a date-time at all; run `validate_credential` first.
    """
    start_key, end_key = _VALIDITY_KEYS[vc_version(doc) or "2.0"]
    start, end = doc.get(start_key), doc.get(end_key)
    return (
        None if start is None else parse_time_as_utc_if_naive(start),
        None if end is None else parse_time_as_utc_if_naive(end),
    )


def _identity(doc: JsonObject, at: str, scope: TermScope, version: Version) -> list[Problem]:
    """id (§4.4), type including VerifiableCredential (§4.5), name and description (§4.6)."""
    return (
        check_id(doc, at, what="the credential")
        + check_type(doc, at, scope, what="a credential", required="VerifiableCredential")
        + _check_names(doc, at)
    )


def _issuer(doc: JsonObject, at: str, scope: TermScope, version: Version) -> list[Problem]:
    """A credential MUST have an issuer: a URL or an object with an id URL (§4.7)."""
    where = child(at, "issuer")
    if "issuer" not in doc:
        return [malformed(where, "a credential must have an issuer")]
    issuer = doc["issuer"]
    problems = check_party(issuer, where, scope, what="the issuer")
    return problems + (_check_names(issuer, where) if isinstance(issuer, Mapping) else [])


def _subjects(doc: JsonObject, at: str, scope: TermScope, version: Version) -> list[Problem]:
    """credentialSubject: one or more objects, each the subject of at least one claim (§4.8)."""
    if "credentialSubject" not in doc:
        return [
            malformed(child(at, "credentialSubject"), "a credential must have a credentialSubject")
        ]
    problems, subjects = objects_of(doc, "credentialSubject", at)
    for pointer, subject in subjects:
        if not subject:
            problems.append(malformed(pointer, "a credentialSubject must make at least one claim"))
        problems += check_id(subject, pointer, what="the credential subject")
        problems += check_optional_type(subject, pointer, scope, what="the credential subject")
    return problems


def _validity(doc: JsonObject, at: str, scope: TermScope, version: Version) -> list[Problem]:
    """Dates are dateTimeStamps and validFrom is not after validUntil (2.0 §4.9; 1.1 §4.6)."""
    start_key, end_key = _VALIDITY_KEYS[version]
    problems: list[Problem] = []
    if version == "1.1" and start_key not in doc:
        problems.append(
            malformed(child(at, start_key), "a VC DM 1.1 credential must have an issuanceDate")
        )
    times: dict[str, datetime] = {}
    for key in (start_key, end_key):
        if key in doc:
            try:
                times[key] = parse_datetime_stamp(doc[key])
            except ValueError as exc:
                problems.append(malformed(child(at, key), str(exc)))
    if version == "2.0" and len(times) == 2 and times[start_key] > times[end_key]:
        problems.append(
            malformed(child(at, end_key), f"{end_key} must not be earlier than {start_key}")
        )
    return problems


def _typed_objects(doc: JsonObject, at: str, scope: TermScope, version: Version) -> list[Problem]:
    return [
        problem
        for key, id_required_in in _TYPED_OBJECTS.items()
        for problem in check_typed_objects(
            doc, key, at, scope, id_required=version in id_required_in
        )
    ]


def _related_resources(
    doc: JsonObject, at: str, scope: TermScope, version: Version
) -> list[Problem]:
    """relatedResource: each has a unique id URL and a digestSRI or digestMultibase (2.0 §5.3)."""
    if "relatedResource" not in doc:
        return []
    problems, resources = objects_of(doc, "relatedResource", at)
    seen: set[str] = set()
    for pointer, resource in resources:
        problems += check_id(resource, pointer, what="each relatedResource", required=True)
        identifier = resource.get("id")
        if isinstance(identifier, str) and identifier in seen:
            problems.append(malformed(child(pointer, "id"), "relatedResource ids must be unique"))
        if isinstance(identifier, str):
            seen.add(identifier)
        problems += _digest_problems(resource, pointer)
    return problems


def _digest_problems(resource: JsonObject, at: str) -> list[Problem]:
    if "digestSRI" not in resource and "digestMultibase" not in resource:
        return [malformed(at, "a relatedResource needs a digestSRI or a digestMultibase")]
    problems: list[Problem] = []
    sri = resource.get("digestSRI")
    if "digestSRI" in resource and not (isinstance(sri, str) and _SRI.fullmatch(sri)):
        detail = f"{show(sri)} is not a Subresource Integrity digest such as 'sha384-…'"
        problems.append(malformed(child(at, "digestSRI"), detail))
    if "digestMultibase" in resource and not _is_multibase(resource["digestMultibase"]):
        detail = "must be a multibase-encoded digest ('u' base64url or 'z' base58btc)"
        problems.append(malformed(child(at, "digestMultibase"), detail))
    return problems


def _is_multibase(value: object) -> bool:
    if not isinstance(value, str) or len(value) < 2 or value[0] not in _MULTIBASE_DECODERS:
        return False
    try:
        return len(_MULTIBASE_DECODERS[value[0]](value)) > 0
    except multiformats.MultiformatError:
        return False


# --- names and descriptions ---------------------------------------------------------------------


def _check_names(obj: JsonObject, at: str) -> list[Problem]:
    """`name` and `description`, wherever the data model allows them (§4.6)."""
    return [
        p
        for key in ("name", "description")
        if key in obj
        for p in _check_language_text(obj[key], child(at, key))
    ]


def _check_language_text(value: object, at: str) -> list[Problem]:
    """`name`/`description`: a string or language value object(s) (VC DM 2.0 §4.6, §11.1)."""
    if isinstance(value, list):
        if not value:
            return [malformed(at, "must not be an empty list")]
        return [
            p for i, item in enumerate(value) for p in _language_value_problems(item, child(at, i))
        ]
    return _language_value_problems(value, at)


def _language_value_problems(value: object, at: str) -> list[Problem]:
    if isinstance(value, str):
        return []
    if not isinstance(value, Mapping):
        detail = f"must be a string or a language value object, not {show(value)}"
        return [malformed(at, detail)]
    allowed = ", ".join(_LANGUAGE_VALUE_KEYS)
    problems = [
        malformed(child(at, key), f"{key!r} is not allowed in a language value object ({allowed})")
        for key in value
        if key not in _LANGUAGE_VALUE_KEYS
    ]
    if not isinstance(value.get("@value"), str):
        problems.append(malformed(child(at, "@value"), "a language value object needs a string"))
    language = value.get("@language")
    if "@language" in value and not (
        isinstance(language, str) and _LANGUAGE_TAG.fullmatch(language)
    ):
        problems.append(malformed(child(at, "@language"), "must be a BCP 47 language tag"))
    if "@direction" in value and value["@direction"] not in ("ltr", "rtl"):
        problems.append(malformed(child(at, "@direction"), "must be 'ltr' or 'rtl'"))
    return problems


_RULES: tuple[Rule, ...] = (
    _identity,
    _issuer,
    _subjects,
    _validity,
    _typed_objects,
    _related_resources,
)
