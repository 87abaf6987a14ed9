"""Checks of the properties verifiable credentials and presentations are made of (VC DM 2.0 §4).

`@context`, `id`, `type`, `issuer`/`holder` and objects with a `type` are checked
the same way wherever they occur; `credex.core.vcdm` composes these checks into the credential
and presentation rules. Each check returns `Problem`s (code, JSON pointer, detail) rather than
raising, so a caller can show every faulty field at once. Codes follow VC DM 2.0 §7.1: a document
that is not a JSON object is a `PARSING_ERROR`; one that does not conform is a
`MALFORMED_VALUE_ERROR`.
https://www.w3.org/TR/vc-data-model-2.0/#basic-concepts
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from credex.core import jsonld
from credex.core.errors import ContextError

PARSING_ERROR = "PARSING_ERROR"
MALFORMED_VALUE_ERROR = "MALFORMED_VALUE_ERROR"

V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
CREDENTIALS_VOCAB = "https://www.w3.org/2018/credentials#"

Version = Literal["2.0", "1.1"]
JsonObject = Mapping[str, Any]

_BASE_CONTEXTS: dict[str, Version] = {V2_CONTEXT: "2.0", V1_CONTEXT: "1.1"}


@dataclass(frozen=True)
class Problem:
    """One structural fault, located by a JSON pointer (RFC 6901) into the checked document."""

    code: str
    pointer: str
    detail: str
    # a bare `type` word the context scope does not define: JSON-LD expansion has the last word
    undefined_term: str | None = None


def malformed(pointer: str, detail: str) -> Problem:
    return Problem(MALFORMED_VALUE_ERROR, pointer, detail)


def child(pointer: str, key: str | int) -> str:
    """The JSON pointer of `key` below `pointer`, escaped as RFC 6901 §3 requires."""
    text = key if type(key) is str else str(key)
    if "~" in text or "/" in text:
        text = text.replace("~", "~0").replace("/", "~1")
    return pointer + "/" + text


def show(value: object) -> str:
    """A short JSON rendering of a value for problem details."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 80 else text[:77] + "..."


def vc_version(doc: JsonObject) -> Version | None:
    """The data model version named by the first `@context` item (VC DM 2.0 §4.3, 1.1 §4.1)."""
    contexts = doc.get("@context") if isinstance(doc, Mapping) else None
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if isinstance(first, str) and first in _BASE_CONTEXTS:
        return _BASE_CONTEXTS[first]
    return None


# --- URLs ------------------------------------------------------------------------------------

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
# Code points a valid URL string never contains (WHATWG URL §4.3), and stray percent signs.
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f\"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})")
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
_HOST_AND_PORT = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[^\[\]:]+)(?::[0-9]*)?")


def is_url(value: object) -> bool:
    """True for an absolute URL string: a scheme, then no spaces or other invalid code points.

    Any scheme is allowed (`https:`, `did:`, `urn:`, `data:` ...); the special schemes of the
    WHATWG URL Standard must have a host. https://url.spec.whatwg.org/#absolute-url-string
    """
    return isinstance(value, str) and _is_url_string(value)


@lru_cache(maxsize=4096)  # ids of issuers, achievements and contexts repeat across documents
def _is_url_string(value: str) -> bool:
    scheme, colon, rest = value.partition(":")
    if not colon or not rest or not _SCHEME.fullmatch(scheme) or _NOT_IN_URL.search(value):
        return False
    if scheme.lower() in _SPECIAL_SCHEMES:
        if not rest.startswith("//"):
            return False
        authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
        return _HOST_AND_PORT.fullmatch(authority.rpartition("@")[2]) is not None
    return True


def check_id(obj: JsonObject, at: str, *, what: str, required: bool = False) -> list[Problem]:
    """`id`, when present (or required), is a single URL (VC DM 2.0 §4.4)."""
    where = child(at, "id")
    if "id" not in obj:
        return [malformed(where, f"{what} must have an id (a URL)")] if required else []
    value = obj["id"]
    if isinstance(value, list):
        return [malformed(where, f"the id of {what} must be a single URL, not a list")]
    if not is_url(value):
        return [malformed(where, f"the id of {what} must be a URL; {show(value)} is not one")]
    return []


# --- @context and the terms it defines ------------------------------------------------------


@dataclass
class TermScope:
    """What a bare word in `type` can mean under the document's `@context` (JSON-LD 1.1 §4.1).

    `open_world` is set when a context credex does not ship could define any term; JSON-LD
    expansion (data-loss detection in `credex.core.jsonld`) has the final word on those.
    The scope of an `@context` made of shipped URLs is shared by every document naming them
    (see `_shipped_scope`): treat what `check_context` returns as read-only.
    """

    terms: set[str] = field(default_factory=set)
    protected: dict[str, object] = field(default_factory=dict)
    vocab: bool = False
    open_world: bool = False

    def defines(self, term: str) -> bool:
        return self.vocab or self.open_world or term in self.terms

    def add_remote(self, url: str) -> None:
        shipped = _shipped_context(url)
        if shipped is None:
            self.open_world = True
            return
        self.protected.update(shipped.protected)
        self.terms.update(shipped.terms)
        if shipped.vocab is not None:
            self.vocab = shipped.vocab


@dataclass(frozen=True)
class _ShippedContext:
    protected: Mapping[str, object]
    terms: frozenset[str]
    vocab: bool | None  # None: the context leaves @vocab as it was


@lru_cache(maxsize=256)  # bounded: documents may name any URL
def _shipped_context(url: str) -> _ShippedContext | None:
    """The terms of a context credex's frozen loader serves; None if it serves no such map."""
    try:
        context = jsonld.load_document(url)["document"].get("@context")
    except ContextError:
        return None
    if not isinstance(context, Mapping):
        return None
    protect_all = context.get("@protected") is True
    protected = {
        term: _normalized(definition)
        for term, definition in context.items()
        if not term.startswith("@") and _is_protected(definition, protect_all)
    }
    vocab = None if "@vocab" not in context else context["@vocab"] is not None
    return _ShippedContext(protected, frozenset(_all_terms(context)), vocab)


def _all_terms(context: JsonObject) -> set[str]:
    """Every term a context defines, including those of its type- and property-scoped contexts."""
    found = {term for term in context if not term.startswith("@")}
    for definition in context.values():
        if isinstance(definition, Mapping) and isinstance(definition.get("@context"), Mapping):
            found |= _all_terms(definition["@context"])
    return found


def _is_protected(definition: object, protect_all: bool) -> bool:
    if isinstance(definition, Mapping):
        return definition.get("@protected", protect_all) is True
    return protect_all


def _normalized(definition: object) -> object:
    """A term definition in a comparable form: `"iri"` and `{"@id": "iri"}` are the same."""
    if isinstance(definition, str):
        return {"@id": definition}
    if isinstance(definition, Mapping):
        return {key: value for key, value in definition.items() if key != "@protected"}
    return definition


def check_context(doc: JsonObject, at: str) -> tuple[list[Problem], TermScope]:
    """`@context` is an ordered set whose first item is the base context (VC DM 2.0 §4.3).

    A single string is accepted as a one-item set, as JSON-LD reads it and as the spec's own
    examples of embedded credentials use it. Later items are URLs or context objects; inline
    objects must map terms to absolute IRIs and must not redefine protected terms.
    """
    contexts = doc.get("@context")
    if isinstance(contexts, str):
        contexts = [contexts]
    if isinstance(contexts, list) and contexts and all(type(c) is str for c in contexts):
        shipped = _shipped_scope(tuple(contexts))
        if shipped is not None:
            return [], shipped
    where = child(at, "@context")
    expected = f"{V2_CONTEXT!r} (or {V1_CONTEXT!r} for VC DM 1.1)"
    if not isinstance(contexts, list) or not contexts:
        detail = f"@context is required: an ordered set (array) whose first item is {expected}"
        return [malformed(where, detail)], TermScope(open_world=True)
    problems: list[Problem] = []
    scope = TermScope()
    if isinstance(contexts[0], str) and contexts[0] in _BASE_CONTEXTS:
        scope.add_remote(contexts[0])
    else:
        detail = f"the first @context item must be {expected}, not {show(contexts[0])}"
        problems.append(malformed(child(where, 0), detail))
        scope.open_world = True  # without its base context, judging terms would only add noise
    for index, item in enumerate(contexts[1:], start=1):
        problems += _apply_context_item(item, child(where, index), scope)
    return problems, scope


@lru_cache(maxsize=256)  # bounded: documents may name any URLs
def _shipped_scope(urls: tuple[str, ...]) -> TermScope | None:
    """The scope of an `@context` of shipped context URLs after a base context, else None.

    Such a list has no problems and its scope depends only on the URLs (shipped and registered
    contexts never change), so it is computed once; callers only read a `TermScope`.
    """
    if urls[0] not in _BASE_CONTEXTS or not all(_shipped_context(url) for url in urls):
        return None
    scope = TermScope()
    for url in urls:
        if not is_url(url):
            return None
        scope.add_remote(url)
    return scope


def _apply_context_item(item: object, at: str, scope: TermScope) -> list[Problem]:
    if isinstance(item, Mapping):
        return _apply_inline_context(item, at, scope)
    if isinstance(item, str):
        if not is_url(item):
            return [malformed(at, f"@context entries must be URLs; {show(item)} is not one")]
        scope.add_remote(item)
        return []
    if item is None:
        detail = "a null @context entry would discard the protected base context"
        return [malformed(at, detail)]
    return [malformed(at, f"@context entries must be URLs or objects, not {show(item)}")]


def _apply_inline_context(context: JsonObject, at: str, scope: TermScope) -> list[Problem]:
    problems: list[Problem] = []
    protect_all = context.get("@protected") is True
    for key, definition in context.items():
        if key == "@vocab":
            problems += _apply_vocab(definition, child(at, key), scope)
        elif key == "@import":
            scope.open_world = True
        elif not key.startswith("@"):
            problems += _define_term(key, definition, child(at, key), scope, protect_all)
    return problems


def _apply_vocab(value: object, at: str, scope: TermScope) -> list[Problem]:
    if value is None:
        scope.vocab = False
        return []
    if isinstance(value, str) and (is_url(value) or not _NOT_IN_URL.search(value)):
        scope.vocab = True
        return []
    return [malformed(at, f"@vocab must be an IRI or null, not {show(value)}")]


def _define_term(
    term: str, definition: object, at: str, scope: TermScope, protect_all: bool
) -> list[Problem]:
    """Apply one inline term definition (JSON-LD 1.1 §4.1.2 Create Term Definition, simplified)."""
    normalized = _normalized(definition)
    if term in scope.protected and scope.protected[term] != normalized:
        detail = f"{term!r} is a protected term of an earlier context and cannot be redefined"
        return [malformed(at, detail)]
    if definition is None:
        scope.terms.discard(term)
        return []
    scope.terms.add(term)
    if _is_protected(definition, protect_all):
        scope.protected[term] = normalized
    iri = definition.get("@id") if isinstance(definition, Mapping) else definition
    if isinstance(iri, str) and ":" in iri and not is_url(iri):
        return [malformed(at, f"term {term!r} maps to {show(iri)}, which is not an absolute IRI")]
    return []


# --- type ------------------------------------------------------------------------------------

# A JSON-LD term here: no whitespace, and none of the characters that make it an IRI or keyword.
_TERM = re.compile(r"[^\s/#?:@\[\]]+")


def check_type(
    obj: JsonObject, at: str, scope: TermScope, *, what: str, required: str | None = None
) -> list[Problem]:
    """`type` is present and holds terms or absolute URLs, including `required` (§4.5)."""
    where = child(at, "type")
    if "type" not in obj:
        return [malformed(where, f"{what} must have a type")]
    value = obj["type"]
    values = value if isinstance(value, list) else [value]
    problems = []
    for index, item in enumerate(values):
        detail = _type_value_problem(item, scope)
        if detail is not None:  # pointers are only spelled out for problems
            pointer = child(where, index) if values is value else where
            term = item if isinstance(item, str) and _is_term(item) else None
            problems.append(Problem(MALFORMED_VALUE_ERROR, pointer, detail, term))
    if not values:
        problems.append(malformed(where, f"the type of {what} must not be empty"))
    if required and required not in values and CREDENTIALS_VOCAB + required not in values:
        problems.append(malformed(where, f"the type of {what} must include {required!r}"))
    return problems


def check_optional_type(obj: JsonObject, at: str, scope: TermScope, *, what: str) -> list[Problem]:
    return check_type(obj, at, scope, what=what) if "type" in obj else []


def _type_value_problem(value: object, scope: TermScope) -> str | None:
    """What is wrong with one `type` value, if anything."""
    if not isinstance(value, str):
        return f"type values must be strings (terms or URLs), not {show(value)}"
    if ":" in value:
        return None if is_url(value) else f"{show(value)} is not an absolute URL"
    if not _is_term(value):
        return f"{show(value)} is neither a term nor an absolute URL"
    if not scope.defines(value):
        return f"{show(value)} is not defined by the @context and is not an absolute URL"
    return None


@lru_cache(maxsize=1024)  # type names repeat in every document
def _is_term(value: str) -> bool:
    return _TERM.fullmatch(value) is not None


# --- issuers and holders, objects with a type --------------------------------------------------


def check_party(value: object, at: str, scope: TermScope, *, what: str) -> list[Problem]:
    """`issuer` / `holder`: a URL, or an object whose `id` is a URL (VC DM 2.0 §4.7, §4.13)."""
    if isinstance(value, str):
        detail = f"{what} must be a URL; {show(value)} is not one"
        return [] if is_url(value) else [malformed(at, detail)]
    if isinstance(value, Mapping):
        return check_id(value, at, what=what, required=True) + check_optional_type(
            value, at, scope, what=what
        )
    return [malformed(at, f"{what} must be a URL or an object with an id URL, not {show(value)}")]


def objects_of(
    obj: JsonObject, key: str, at: str, *, expected: str = "an object"
) -> tuple[list[Problem], list[tuple[str, JsonObject]]]:
    """The objects of a "one or more objects" property, each with its pointer."""
    where = child(at, key)
    value = obj[key]
    if isinstance(value, list):
        items = [(child(where, index), item) for index, item in enumerate(value)]
        problems = [] if value else [malformed(where, f"{key} must hold at least one object")]
    else:
        items, problems = [(where, value)], []
    found: list[tuple[str, JsonObject]] = []
    for pointer, item in items:
        if isinstance(item, Mapping):
            found.append((pointer, item))
        else:
            problems.append(
                malformed(pointer, f"each {key} value must be {expected}, not {show(item)}")
            )
    return problems, found


def check_typed_objects(
    obj: JsonObject, key: str, at: str, scope: TermScope, *, id_required: bool = False
) -> list[Problem]:
    """Objects that MUST specify a `type` and MAY have an `id` URL (status, schema, evidence...)."""
    if key not in obj:
        return []
    problems, items = objects_of(obj, key, at)
    for pointer, item in items:
        problems += check_id(item, pointer, what=f"each {key}", required=id_required)
        problems += check_type(item, pointer, scope, what=f"each {key}")
    return problems
