"""Fast, byte-identical RDFC-1.0 canonicalization for documents whose shape repeats.

`canonicalize_fast(doc)` returns the same canonical N-Quads as the general path
(`credex.core.canon`: pyld to RDF, oxigraph RDFC-1.0) or None when it cannot prove it would:
an unsupported shape, a slot value it does not substitute (then the shape is refined with that
value kept, which is correct but builds another template), or blank nodes that need Hash
N-Degree Quads. Templates are cached per shape in a bounded LRU. Identity with the general path
is tested property-based over thousands of generated credentials (tests/core/test_fastcanon*).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from pyoxigraph import NamedNode

from credex.core.fastcanon.rdfc import canonical_nquads
from credex.core.fastcanon.shape import Flattened, UnsupportedShape, flatten
from credex.core.fastcanon.template import SAFE_SCHEMES, Template, build_template

MAX_TEMPLATES = 512
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
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Stats:
    fast: int = 0
    general: int = 0
    templates_built: int = 0


stats = Stats()
_templates: OrderedDict[tuple[object, ...], Template | None] = OrderedDict()
_recent: OrderedDict[tuple[object, ...], str] = OrderedDict()
MAX_RECENT = 64
_lock = threading.Lock()


def canonicalize_fast(doc: dict[str, object]) -> str | None:
    """Canonical N-Quads (RDFC-1.0, SHA-256) of `doc`, or None: use the general path."""
    try:
        flat = flatten(doc)
    except UnsupportedShape:
        stats.general += 1
        return None
    content_key = (flat.key, tuple(flat.values))
    with _lock:
        recent = _recent.get(content_key)
    if recent is not None:  # the same content again (verification canonicalizes it twice)
        stats.fast += 1
        return recent
    result = _canonicalize_flat(flat, doc)
    if result is not None:
        with _lock:
            _recent[content_key] = result
            while len(_recent) > MAX_RECENT:
                _recent.popitem(last=False)
    return result


def _canonicalize_flat(flat: Flattened, doc: dict[str, object]) -> str | None:
    template = _template_for(flat.key, doc, {})
    if template is None:
        stats.general += 1
        return None
    fields, unsafe = _fields(template, flat.values)
    if unsafe:
        # Keep those values in the shape: a (rarer) template where they are constants.
        keep = {index: flat.values[index] for index in unsafe}
        refined_key = (flat.key, tuple(sorted(keep.items())))
        template = _template_for(refined_key, doc, keep)
        if template is None:
            stats.general += 1
            return None
        fields, unsafe = _fields(template, flat.values)
    result = canonical_nquads(template, fields) if not unsafe else None
    if result is None:
        stats.general += 1
    else:
        stats.fast += 1
    return result


def _fields(template: Template, values: list[str]) -> tuple[dict[str, str], list[int]]:
    fields: dict[str, str] = {}
    unsafe: list[int] = []
    for index, name, kind in template.slots:
        value = values[index]
        if kind == "iri":
            if _safe_iri(value):
                fields[name] = value
            else:
                unsafe.append(index)
        elif _NEEDS_ESCAPE.search(value) is None:
            fields[name] = value
        elif _SURROGATE.search(value) is not None:  # lone surrogates: the general path decides
            unsafe.append(index)
        else:
            fields[name] = value.translate(_ESCAPES)
    return fields, unsafe


def _safe_iri(value: str) -> bool:
    if not _SAFE_IRI.fullmatch(value):
        return False
    try:
        NamedNode(value)  # the general path would refuse what oxigraph refuses
    except ValueError:
        return False
    return True


def _template_for(
    key: tuple[object, ...], doc: dict[str, object], keep: dict[int, str]
) -> Template | None:
    with _lock:
        if key in _templates:
            _templates.move_to_end(key)
            return _templates[key]
    try:
        template: Template | None = build_template(doc, keep)
    except UnsupportedShape:
        template = None
    with _lock:
        stats.templates_built += 1
        _templates[key] = template
        while len(_templates) > MAX_TEMPLATES:
            _templates.popitem(last=False)
    return template


def clear_templates() -> None:
    with _lock:
        _templates.clear()
        _recent.clear()
