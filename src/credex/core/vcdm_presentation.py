"""Structural validation of a verifiable presentation (VC DM 2.0 §4.13, and VC DM 1.1 §4.10).

Each embedded credential is a credential in its own right, checked by the credential rules; an
enveloped one (a `data:` URL carrying e.g. a VC-JOSE-COSE token) is only checked for its envelope
here, because its content is decoded and verified by the securing mechanism.
https://www.w3.org/TR/vc-data-model-2.0/#verifiable-presentations
"""

from __future__ import annotations

import re

from credex.core.vcdm_credential import (
    V2_CONTEXT,
    JsonObject,
    Problem,
    check_context,
    check_id,
    check_party,
    check_type,
    check_typed_objects,
    child,
    malformed,
    objects_of,
    show,
)

ENVELOPED_CREDENTIAL = "EnvelopedVerifiableCredential"

# RFC 2397: data:[<mediatype>][;parameter]*,<data>; the media type is required here.
_DATA_URL = re.compile(r"data:[\w!#$&^.+-]+/[\w!#$&^.+-]+(?:;[^,;\s]+)*,\S+", re.ASCII)


def presentation_problems(doc: JsonObject) -> tuple[list[Problem], list[tuple[str, JsonObject]]]:
    """The presentation's own problems, and the embedded credentials (with their pointers).

    Enveloped credentials are checked here; the others are returned for the credential rules
    (`credex.core.vcdm.validate_presentation` applies them).
    """
    problems, scope = check_context(doc, "")
    problems += check_id(doc, "", what="the presentation")
    problems += check_type(doc, "", scope, what="a presentation", required="VerifiablePresentation")
    if "holder" in doc:
        problems += check_party(doc["holder"], "/holder", scope, what="the holder")
    problems += check_typed_objects(doc, "termsOfUse", "", scope)
    problems += check_typed_objects(doc, "proof", "", scope)
    if "verifiableCredential" not in doc:
        return problems, []
    expected = f"a credential object or an {ENVELOPED_CREDENTIAL} object"
    entry_problems, entries = objects_of(doc, "verifiableCredential", "", expected=expected)
    problems += entry_problems
    credentials: list[tuple[str, JsonObject]] = []
    for pointer, entry in entries:
        if _is_envelope(entry):
            problems += _envelope_problems(entry, pointer)
        else:
            credentials.append((pointer, entry))
    return problems, credentials


def _is_envelope(entry: JsonObject) -> bool:
    """Typed EnvelopedVerifiableCredential, or untyped with a data: URL id (a forgotten type)."""
    if "type" not in entry:
        identifier = entry.get("id")
        return isinstance(identifier, str) and identifier.startswith("data:")
    types = entry["type"]
    return ENVELOPED_CREDENTIAL in (types if isinstance(types, list) else [types])


def _envelope_problems(entry: JsonObject, at: str) -> list[Problem]:
    """The envelope: an @context with the base context, a type, a data: URL id (§4.13.1)."""
    problems: list[Problem] = []
    contexts = entry.get("@context")
    if V2_CONTEXT not in (contexts if isinstance(contexts, list) else [contexts]):
        detail = f"an {ENVELOPED_CREDENTIAL} needs an @context that includes {V2_CONTEXT!r}"
        problems.append(malformed(child(at, "@context"), detail))
    if "type" not in entry:
        detail = f"an enveloped credential must have type {ENVELOPED_CREDENTIAL!r}"
        problems.append(malformed(child(at, "type"), detail))
    identifier = entry.get("id")
    if not (isinstance(identifier, str) and _DATA_URL.fullmatch(identifier)):
        detail = f"an enveloped credential's id must be a data: URL, not {show(identifier)}"
        problems.append(malformed(child(at, "id"), detail))
    return problems
