"""Fast, byte-identical RDFC-1.0 canonicalization for documents whose shape repeats.

`canonicalize_fast(doc)` returns the same canonical N-Quads as the general path
(`credex.core.canon`: pyld to RDF, oxigraph RDFC-1.0) or None when it cannot prove it would:
an unsupported shape, a slot value it does not substitute (then the shape is refined with that
value kept, which is correct but builds another template), or blank nodes that need Hash
N-Degree Quads. Identity with the general path is tested property-based over thousands of
generated credentials (tests/core/test_fastcanon*).

Finding a document's template: known shapes are grouped by their top-level keys, and each has a
compiled matcher (credex.core.fastcanon.matcher) that recognizes it exactly and reads its slot
values; the few most recently used shapes of the group are tried. Only a document of a shape not
found that way is flattened (credex.core.fastcanon.shape) to compute its shape key, which finds
or builds the template. Shapes are kept in a bounded LRU. Nothing is cached per document: every
call substitutes and canonicalizes. The matcher's twin, a copier, makes `copy_document` (the deep
copy of a credential being signed) cheap as well.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode

from credex.core.fastcanon.matcher import Copier, Matcher, compile_matcher
from credex.core.fastcanon.rdfc import canonical_nquads
from credex.core.fastcanon.shape import UnsupportedShape, flatten
from credex.core.fastcanon.template import SAFE_SCHEMES, Template, build_template
from credex.core.limits import check_document

MAX_TEMPLATES = 512  # shapes kept, each with its template, matcher and copier
MAX_REFINED = 16  # per shape: values that must stay constants are rare (and usually few)
MAX_TRIES = 4  # matchers tried per document before flattening it
# Compiling a matcher costs about 30 µs per token of the shape (a credential has a few hundred),
# and more than linearly beyond a few thousand: bigger shapes are flattened every time instead.
MAX_MATCHER_TOKENS = 2500
_SAFE_IRI = re.compile(r"(?:" + "|".join(SAFE_SCHEMES) + r"):[^\x00-\x20<>\"{}|^`\\\x7f]*")
# RDF canonical N-Quads escaping of literal text (what oxigraph writes): ECHAR for
# \b \t \n \f \r " \\, UCHAR with upper-case hex for the other C0 controls and U+007F.
_ECHAR = {
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}
_ESCAPES = {code: _ECHAR.get(code, f"\\u{code:04X}") for code in [*range(0x20), 0x22, 0x5C, 0x7F]}
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f\ud800-\udfff]')
_ESCAPED_BYTES = bytes([*range(0x20), 0x22, 0x5C, 0x7F])
_SURROGATE = re.compile("[\ud800-\udfff]")
_MAX_KNOWN_IRIS = 8192


@dataclass
class Stats:
    fast: int = 0
    general: int = 0
    templates_built: int = 0


@dataclass(frozen=True, eq=False)  # compared by identity
class _Shape:
    key: tuple[str, ...]
    outline: tuple[str, ...]  # the document's top-level keys
    match: Matcher | None  # None for shapes too big to compile (found by flattening)
    copy: Copier | None
    template: Template | None  # None: the general path handles this shape
    # Templates with some slot values kept as constants (sorted (slot, value) pairs → template)
    refined: dict[tuple[tuple[int, str], ...], Template | None] = field(default_factory=dict)


stats = Stats()
_shapes: OrderedDict[tuple[str, ...], _Shape] = OrderedDict()
_by_outline: dict[tuple[str, ...], list[_Shape]] = {}  # most recently used first
_known_iris: set[str] = set()  # IRIs that passed `_safe_iri`
_lock = threading.Lock()


def canonicalize_fast(doc: dict[str, object]) -> str | None:
    """Canonical N-Quads (RDFC-1.0, SHA-256) of `doc`, or None: use the general path."""
    filled = fill(doc)
    result = canonical_nquads(*filled) if filled is not None else None
    if result is None:
        stats.general += 1
    else:
        stats.fast += 1
    return result


def fill(doc: dict[str, object]) -> tuple[Template, list[str]] | None:
    """The template of `doc` and the N-Quads text of its slots, or None (general path).

    A template exists only for a shape whose expansion passed data-loss detection, and slot
    values are substituted only where they cannot change that expansion; so a document that
    gets one loses nothing in JSON-LD expansion (`credex.core.canon.check_no_data_loss`).
    """
    if type(doc) is not dict:
        return None
    try:
        shape, values = _shape_of(doc)
    except UnsupportedShape:
        return None
    template = shape.template
    if template is None:
        return None
    arguments, unsafe = _arguments(template, values)
    if unsafe:
        # Keep those values in the shape: a (rarer) template where they are constants.
        template = _refined_template(shape, doc, {index: values[index] for index in unsafe})
        if template is None:
            return None
        arguments, unsafe = _arguments(template, values)
        if unsafe:
            return None
    return template, arguments


def copy_document(doc: dict[str, Any]) -> dict[str, Any]:
    """`json.loads(json.dumps(doc))`, computed by the shape's copier when the shape is known.

    A document a copier accepts holds only exact JSON types (credex.core.fastcanon.matcher), for
    which the JSON round trip gives new dicts and lists around equal strings and numbers.
    """
    if type(doc) is dict:
        for shape in _by_outline.get(tuple(doc), ())[:MAX_TRIES]:
            copied = shape.copy(doc)  # type: ignore[misc]  # grouped shapes have a copier
            if copied is not None:
                return copied  # type: ignore[no-any-return]
    copied_json: dict[str, Any] = json.loads(json.dumps(doc))
    return copied_json


def _shape_of(doc: dict[str, Any]) -> tuple[_Shape, list[str]]:
    """The known shape of `doc` (by matcher, else by flattening) and its slot values."""
    outline = tuple(doc)
    for shape in _by_outline.get(outline, ())[:MAX_TRIES]:
        values = shape.match(doc)  # type: ignore[misc]  # grouped shapes have a matcher
        if values is not None:
            _use(shape)
            return shape, values
    flat = flatten(doc)
    found = _shapes.get(flat.key)
    if found is None:
        found = _new_shape(flat.key, outline, doc)
    _use(found)
    return found, flat.values


def _new_shape(key: tuple[str, ...], outline: tuple[str, ...], doc: dict[str, Any]) -> _Shape:
    check_document(doc)  # building a template is the costly step: bounded like the general path
    try:
        template: Template | None = build_template(doc, {})
    except UnsupportedShape:
        template = None
    match, copy = compile_matcher(doc) if len(key) <= MAX_MATCHER_TOKENS else (None, None)
    shape = _Shape(key, outline, match, copy, template)
    with _lock:
        if key in _shapes:  # another thread built it meanwhile
            return _shapes[key]
        stats.templates_built += 1
        _shapes[key] = shape
        while len(_shapes) > MAX_TEMPLATES:
            _, evicted = _shapes.popitem(last=False)
            group = _by_outline.get(evicted.outline, [])
            if evicted in group:
                group.remove(evicted)
            if not group:
                _by_outline.pop(evicted.outline, None)
    return shape


def _use(shape: _Shape) -> None:
    """Mark `shape` most recently used, overall and (with a matcher) first of its outline."""
    group = _by_outline.get(shape.outline)
    if group and group[0] is shape:
        return
    with _lock:
        if shape.key in _shapes:
            _shapes.move_to_end(shape.key)
            if shape.match is None:
                return
            group = _by_outline.setdefault(shape.outline, [])
            if shape in group:
                group.remove(shape)
            group.insert(0, shape)


def _refined_template(shape: _Shape, doc: dict[str, Any], keep: dict[int, str]) -> Template | None:
    """The shape's template with the `keep` slots as constants (built on first use)."""
    key = tuple(sorted(keep.items()))
    try:
        return shape.refined[key]
    except KeyError:
        pass
    try:
        template: Template | None = build_template(doc, keep)
    except UnsupportedShape:
        template = None
    with _lock:
        stats.templates_built += 1
        if len(shape.refined) >= MAX_REFINED:
            shape.refined.clear()
        shape.refined[key] = template
    return template


def _arguments(template: Template, values: list[str]) -> tuple[list[str], list[int]]:
    """Slot values as N-Quads text (literals escaped), and the slots that cannot be substituted."""
    unsafe = [i for i in template.iri_slots if not _safe_iri(values[i])]
    if not _needs_escape("".join(values)):  # the common case
        return values, unsafe
    arguments = list(values)
    for index in template.literal_slots:
        value = values[index]
        if _NEEDS_ESCAPE.search(value) is None:
            continue
        if _SURROGATE.search(value) is not None:  # lone surrogates: the general path decides
            unsafe.append(index)
        else:
            arguments[index] = value.translate(_ESCAPES)
    return arguments, unsafe


def _needs_escape(text: str) -> bool:
    """Whether `text` has a character N-Quads escapes or a lone surrogate (UTF-8 refuses those).

    UTF-8 writes every non-ASCII character with bytes above 0x7F, so deleting the escaped ASCII
    bytes shortens the encoding exactly when one is there: a C loop, several times faster than
    a regular expression search.
    """
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return len(raw.translate(None, _ESCAPED_BYTES)) != len(raw)


def _safe_iri(value: str) -> bool:
    """An absolute IRI of a safe scheme, without characters N-Quads would escape or refuse."""
    if value in _known_iris:
        return True
    if not _SAFE_IRI.fullmatch(value):
        return False
    try:
        NamedNode(value)  # the general path would refuse what oxigraph refuses
    except ValueError:
        return False
    if len(_known_iris) >= _MAX_KNOWN_IRIS:
        _known_iris.clear()
    _known_iris.add(value)
    return True


def clear_templates() -> None:
    with _lock:
        _shapes.clear()
        _by_outline.clear()
        _known_iris.clear()
