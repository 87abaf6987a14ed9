"""Frozen JSON-LD processing: shipped contexts only, and no silent data loss.

Every `@context` URL is served from the copies shipped in `credex/core/contexts/` (or registered
by another credex module at import time); any other URL is refused, so processing never touches
the network (VC Data Integrity "Validating Contexts").

JSON-LD silently drops what its contexts do not define, and a signature would not cover it. VC
Data Integrity "Securing Data Losslessly" requires an error instead: `to_rdf` and
`detect_data_loss` raise `DataLossError` (`DATA_LOSS_DETECTION_ERROR`) naming the JSON path.

pyld always gets the frozen loader and private caches in its options, never global state. pyld
3.3 keeps a loaded context across calls only when the loader tags it `"static"`.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

from pyld import jsonld as pyld
from pyld.context_resolver import ContextResolver

from credex.core.errors import ContextError, CoreError, DataLossError

CONTEXT_FILES: dict[str, str] = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "credentials-v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
    "https://www.w3.org/2018/credentials/examples/v1": "credentials-examples-v1.jsonld",
    "https://www.w3.org/ns/credentials/undefined-terms/v2": "credentials-undefined-terms-v2.jsonld",
    "https://w3id.org/security/data-integrity/v2": "data-integrity-v2.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
    "https://w3id.org/security/jwk/v1": "jwk-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "ed25519-signature-2020-v1.jsonld",
    "https://w3id.org/security/suites/ed25519-2018/v1": "ed25519-signature-2018-v1.jsonld",
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/v2": "security-v2.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "bitstring-status-list-v1.jsonld",
    "https://w3id.org/vc/status-list/2021/v1": "status-list-2021-v1.jsonld",
    "https://w3id.org/vc-revocation-list-2020/v1": "vc-revocation-list-2020-v1.jsonld",
    "https://w3id.org/citizenship/v4rc1": "citizenship-v4rc1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "ob-v3p0-context-3.0.0.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-context-2.0.1.json",
    "http://data.europa.eu/snb/model/context/edc-ap": "elm-edc-ap-context.EDC-3.2-LTS.jsonld",
}

# How the i18n base direction of a string survives RDF conversion; the value the W3C reference
# cryptosuites (eddsa-rdfc-2022-cryptosuite, ecdsa-rdfc-2019-cryptosuite) hard-code.
RDF_DIRECTION = "i18n-datatype"
_STATIC_TAG = "static"  # the only tag pyld 3.3's ContextResolver caches across operations
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S*")

_registered: dict[str, dict[str, Any]] = {}
_registered_bytes: dict[str, bytes] = {}  # registered contexts' documents as published
_parsed: dict[str, dict[str, Any]] = {}
_patterns: list[tuple[re.Pattern[str], str]] = []  # (URL pattern, URL registered with its document)


class JsonLdProcessingError(CoreError):
    """The document is not valid JSON-LD (e.g. a protected term redefined, a bad @context)."""

    code = "PROOF_TRANSFORMATION_ERROR"


def register_context(url: str, document: dict[str, Any], published: bytes | None = None) -> None:
    """Serve `document` for `url` from now on (credex's own contexts, added at import time);
    `published`: the document's bytes as served, which `relatedResource` digests cover.

    Contexts are immutable once known: registering different content for a URL already served
    raises `ContextError`, because cached expansions would otherwise disagree with it.
    """
    if not isinstance(document, dict) or "@context" not in document:
        raise ContextError(f"a context document needs an @context object: {url}")
    frozen = copy.deepcopy(document)
    if url in _registered or url in CONTEXT_FILES:
        if _context_document(url) != frozen:
            raise ContextError(f"context already registered with other content: {url}")
        return
    _registered[url] = frozen
    if published is not None:
        _registered_bytes[url] = published


def context_bytes(url: str) -> bytes | None:
    """The exact bytes of a context credex ships or registered with its bytes (what a
    `relatedResource` digest of that context covers); None for any other URL."""
    for pattern, same in _patterns:
        if url not in CONTEXT_FILES and url not in _registered and pattern.fullmatch(url):
            url = same
    if url in _registered_bytes:
        return _registered_bytes[url]
    name = CONTEXT_FILES.get(url)
    if name is None:
        return None
    return resources.files("credex.core").joinpath("contexts", name).read_bytes()


def register_context_pattern(pattern: re.Pattern[str], url: str) -> None:
    """Serve the document registered (or shipped) for `url` at every URL matching `pattern`.

    For a context whose content is fixed but whose URL is each deployment's own (the credex
    context at `<origin>/contexts/credex-v1.jsonld`): a verifier that is not that deployment
    (the command line) knows the document, not the origin.
    """
    _context_document(url)  # must exist
    if (pattern, url) not in _patterns:
        _patterns.append((pattern, url))


def known_context_urls() -> frozenset[str]:
    """Every context URL the frozen loader serves by name (shipped files, registered contexts);
    `is_known_context` also answers for URLs matching a registered pattern."""
    return frozenset(CONTEXT_FILES) | frozenset(_registered)


def is_known_context(url: str) -> bool:
    """Whether the frozen loader serves `url`."""
    if url in CONTEXT_FILES or url in _registered:
        return True
    return any(pattern.fullmatch(url) for pattern, _ in _patterns)


def load_document(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader over the shipped contexts; refuses every other URL, never fetches."""
    del options  # pyld passes request hints; a frozen loader has no use for them
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(_context_document(url)),
        "tag": _STATIC_TAG,
    }


def _context_document(url: str) -> dict[str, Any]:
    if url in _registered:
        return _registered[url]
    cached = _parsed.get(url)
    if cached is None:
        name = CONTEXT_FILES.get(url) if isinstance(url, str) else None
        if name is None:
            for pattern, same in _patterns:
                if isinstance(url, str) and pattern.fullmatch(url):
                    return _context_document(same)
            raise ContextError(f"context not known to credex: {url}")
        text = resources.files("credex.core").joinpath("contexts", name).read_text("utf-8")
        cached = _parsed.setdefault(url, json.loads(text))
    return cached


class _BoundedCache(OrderedDict[str, Any]):
    """Thread-safe LRU map for pyld's contexts; bounded so embedded contexts cannot grow it."""

    def __init__(self, max_size: int) -> None:
        super().__init__()
        self._max_size = max_size
        self._lock = threading.Lock()

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            return super().get(key, default)

    def __setitem__(self, key: str, value: Any) -> None:
        with self._lock:
            super().__setitem__(key, value)
            self.move_to_end(key)
            while len(self) > self._max_size:
                self.popitem(last=False)


_resolved_contexts = _BoundedCache(max_size=128)
_MAX_CACHED_CONTEXT_CHARS = 32_768
_processed_contexts = _BoundedCache(max_size=1024)


def _options() -> dict[str, Any]:
    return {
        "documentLoader": load_document,
        "contextResolver": ContextResolver(_resolved_contexts, load_document),
        "rdfDirection": RDF_DIRECTION,
        "processingMode": "json-ld-1.1",
        "base": None,  # pyld resolves against http://example.org/base/ when given ""
    }


class _Processor(pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with a shared cache of processed contexts and one bug fix.

    pyld clones the active context before applying a type-scoped (non-propagating) context,
    so its own per-context cache never hits and every Achievement, Profile… context of a
    credential is re-processed on every call. Processed contexts are immutable (frozen), so
    the result for (active context id, local context, flags) is cached here instead.

    The fix: `{"@vocab": null}` when no @vocab is set is a no-op (JSON-LD 1.1 API, Context
    Processing step 5.8.1); pyld 3.3 raises KeyError there.
    """

    def _process_context(  # noqa: PLR0917 (pyld's signature)
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: set[str] | None = None,
    ) -> Any:
        flags = (override_protected, propagate, validate_scoped)
        key = _context_key(active_ctx, local_ctx, flags) if cycles is None else None
        cached = _processed_contexts.get(key) if key is not None else None
        if cached is not None:
            return cached
        try:
            result = super()._process_context(active_ctx, local_ctx, options, *flags, cycles)
        except KeyError as exc:
            if exc.args != ("@vocab",):
                raise
            local_ctx = _without_null_vocab(local_ctx)
            result = super()._process_context(active_ctx, local_ctx, options, *flags, cycles)
        if key is not None:
            _processed_contexts[key] = result
        return result


def _context_key(active_ctx: Any, local_ctx: Any, flags: tuple[bool, ...]) -> str | None:
    uuid = active_ctx.get("_uuid")
    if uuid is None:
        return None
    try:
        local = json.dumps(local_ctx, separators=(",", ":"), default=dict)
    except (TypeError, ValueError):
        return None
    if len(local) > _MAX_CACHED_CONTEXT_CHARS:  # a hostile embedded context must not fill memory
        return None
    return f"{uuid}|{flags}|{local}"


def _without_null_vocab(local_ctx: Any) -> Any:
    if isinstance(local_ctx, list):
        return [_without_null_vocab(item) for item in local_ctx]
    if isinstance(local_ctx, dict) and "@vocab" in local_ctx and local_ctx["@vocab"] is None:
        return {k: v for k, v in local_ctx.items() if k != "@vocab"}
    return local_ctx


def expand(doc: dict[str, Any]) -> list[Any]:
    """JSON-LD 1.1 expansion with the frozen loader (no data-loss check; see `to_rdf`)."""
    expanded: list[Any] = _run(lambda: _Processor().expand(doc, _options()))
    return expanded


def compact(doc: Any, context: Any) -> dict[str, Any]:
    """JSON-LD 1.1 compaction with the frozen loader (ecdsa-sd-2023 skolemization needs it)."""
    compacted: dict[str, Any] = _run(
        lambda: _Processor().compact(doc, {"@context": context}, _options())
    )
    return compacted


def undefined_type_terms(doc: dict[str, Any]) -> set[str] | None:
    """The `type` words JSON-LD 1.1 expansion leaves undefined (relative IRIs); None when the
    document cannot be expanded at all."""
    try:
        expanded = expand(doc)
    except CoreError:
        return None
    return {value for kind, value in _expanded_problems(expanded) if kind == "undefined type"}


def detect_data_loss(doc: dict[str, Any]) -> None:
    """Raise `DataLossError` naming the JSON path of anything expansion or RDF would drop."""
    processor = _LossDetectingProcessor(doc)
    _run(lambda: processor.expand(doc, _options()))


def to_rdf(doc: dict[str, Any], *, check_data_loss: bool = True) -> dict[str, list[Any]]:
    """Deserialize JSON-LD to an RDF dataset in pyld's shape ({graph name: [triples]}).

    Expansion runs once: the data-loss check inspects that same expansion before conversion.
    """
    processor = _LossDetectingProcessor(doc) if check_data_loss else _Processor()
    dataset: dict[str, list[Any]] = _run(lambda: processor.to_rdf(doc, _options()))
    return dataset


def _run(operation: Callable[[], Any]) -> Any:
    """Run a pyld operation; surface our own errors that pyld wrapped, translate the rest."""
    try:
        return operation()
    except CoreError:
        raise
    except pyld.JsonLdError as exc:
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, CoreError):
            cause = cause.__cause__
        if cause is not None:
            raise cause from None
        raise JsonLdProcessingError(f"invalid JSON-LD: {_describe(exc)}") from exc
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        # pyld crashes on some invalid input (e.g. `{"@vocab": null}` with no @vocab defined)
        raise JsonLdProcessingError(f"JSON-LD processing failed: {exc!r}") from exc


def _describe(exc: pyld.JsonLdError) -> str:
    """The innermost pyld message with its JSON-LD error code, e.g. `protected term …`."""
    innermost: BaseException = exc
    while isinstance(innermost.__cause__, pyld.JsonLdError):
        innermost = innermost.__cause__
    message = innermost.args[0] if innermost.args else type(innermost).__name__
    code = getattr(innermost, "code", None)
    return f"{message} ({code})" if code else str(message)


class _LossDetectingProcessor(_Processor):
    """pyld processor that records dropped keys with their JSON path and checks the expansion.

    Dropped keys are reported by pyld's `on_property_dropped` hook; wrapping `_expand_object`
    tells us in which JSON object that happened, so the error can name the path.
    """

    def __init__(self, original: Any) -> None:
        super().__init__(on_property_dropped=self._on_property_dropped)
        self._original = original
        self._stack: list[tuple[Any, dict[str, Any]]] = []
        self._losses: list[str] = []

    def _expand_object(self, active_ctx: Any, *args: Any, **kwargs: Any) -> Any:
        self._stack.append((active_ctx, args[2]))  # (…, active property, expanded, element, …)
        try:
            return super()._expand_object(active_ctx, *args, **kwargs)
        finally:
            self._stack.pop()

    def _on_property_dropped(self, expanded_property: str | None) -> None:
        if not self._stack:
            return
        active_ctx, element = self._stack[-1]
        for key, value in element.items():
            if key == "@context" or value is None:
                continue
            if self._expand_iri(active_ctx, key, vocab=True) == expanded_property:
                path = _path_of(self._stack, key)
                self._losses.append(f"{path}: term {key!r} is not defined by the active context")

    def expand(self, input_: Any, options: dict[str, Any]) -> Any:
        expanded = super().expand(input_, options)
        for problem in _expanded_problems(expanded):
            self._losses.append(_locate(self._original, problem))
        if not expanded and _has_data(self._original):
            self._losses.append("$: the document expands to nothing (no node with statements)")
        if self._losses:
            shown = "; ".join(self._losses[:5])
            more = f" (and {len(self._losses) - 5} more)" if len(self._losses) > 5 else ""
            raise DataLossError(f"JSON-LD processing would drop data: {shown}{more}")
        return expanded


def _has_data(doc: Any) -> bool:
    return isinstance(doc, dict) and any(k != "@context" and v is not None for k, v in doc.items())


def _path_of(stack: list[tuple[Any, dict[str, Any]]], key: str) -> str:
    """JSON path of `key` in the innermost object on the expansion stack."""
    segments: list[str | int] = []
    for (_, parent), (_, child) in itertools.pairwise(stack):
        segments.extend(_find_child(parent, child) or ["…"])
    segments.append(key)
    return _format_path(segments)


def _children(node: Any) -> Iterator[tuple[str | int, Any]]:
    if isinstance(node, dict):
        return ((k, v) for k, v in node.items() if k != "@context")
    return iter(enumerate(node)) if isinstance(node, list) else iter(())


def _find_child(node: Any, target: Any, depth: int = 3) -> list[str | int] | None:
    """Segments from `node` to the object `target` (by identity), through maps and arrays."""
    for segment, value in _children(node):
        if value is target:
            return [segment]
        found = _find_child(value, target, depth - 1) if depth > 1 else None
        if found is not None:
            return [segment, *found]
    return None


def _format_path(segments: list[str | int]) -> str:
    out = "$"
    for segment in segments:
        if isinstance(segment, int):
            out += f"[{segment}]"
        elif re.fullmatch(r"[A-Za-z_@][A-Za-z0-9_@\-]*", segment):
            out += f".{segment}"
        else:
            out += f"[{json.dumps(segment)}]"
    return out


def _is_node_id(value: Any) -> bool:
    return isinstance(value, str) and (
        value.startswith("_:") or _ABSOLUTE_IRI.fullmatch(value) is not None
    )


def _expanded_problems(element: Any, in_graph: bool = False) -> Iterator[tuple[str, str]]:
    """(kind, value) for what RDF conversion would drop from an expanded document."""
    if isinstance(element, list):
        for item in element:
            yield from _expanded_problems(item, in_graph)
        return
    if not isinstance(element, dict):
        return
    yield from _object_problems(element, in_graph)
    if "@value" in element:
        return
    for key, value in element.items():
        if key.startswith("_:"):
            yield "blank node property", key
        elif key == "@reverse":
            yield from _expanded_problems(list(value.values()))
        elif key in ("@list", "@set", "@included") or not key.startswith("@"):
            yield from _expanded_problems(value)
        elif key == "@graph":
            yield from _expanded_problems(value, in_graph=True)


def _object_problems(element: dict[str, Any], in_graph: bool) -> Iterator[tuple[str, str]]:
    if "@index" in element:
        yield "@index", str(element["@index"])
    if in_graph and ("@value" in element or "@list" in element or set(element) == {"@id"}):
        yield "free-floating", str(element.get("@value", element.get("@id", "@list")))
    if "@value" in element:
        return
    if "@id" in element and not _is_node_id(element["@id"]):
        yield "relative @id", element["@id"]
    for type_value in element.get("@type", []):
        if not _is_node_id(type_value):
            yield "undefined type", type_value


_MESSAGES = {
    "undefined type": "type {!r} is not defined by the active context",
    "relative @id": "identifier {!r} is a relative IRI, dropped from the RDF",
    "free-floating": "value {!r} inside a graph makes no statement and is dropped",
    "@index": "@index value {!r} is not part of the RDF graph",
    "blank node property": "property {!r} is a blank node, not allowed in RDF",
}


def _locate(original: Any, problem: tuple[str, str]) -> str:
    """Describe a problem found in the expanded form, with the path of its value in the input."""
    kind, value = problem
    path = _find_value(original, value, [])
    where = _format_path(path) if path is not None else "(somewhere in the document)"
    return f"{where}: " + _MESSAGES[kind].format(value if len(value) <= 60 else value[:57] + "...")


def _find_value(node: Any, value: str, path: list[str | int]) -> list[str | int] | None:
    if node == value:
        return path
    if isinstance(node, dict) and value in node:
        return [*path, value]
    for segment, child in _children(node):
        found = _find_value(child, value, [*path, segment])
        if found is not None:
            return found
    return None
