"""Per-shape templates: the shape's RDF, computed once by the general path, with slots.

A template is built by expanding the shape with a unique placeholder IRI in every slot
(`urn:x-credex-slot:<nonce>:<i>`) through the same pyld + oxigraph pipeline as the general path.
Each placeholder must come out whole, either as an IRI (the slot is an `@id`-like position) or as
a literal's lexical form (a value position); anything else (a placeholder transformed, embedded
in another term, or a shape that fails) marks the shape unsupported. Each quad is kept as a
`str.format_map` pattern of its canonical N-Quads line, fields being slots and blank nodes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from pyoxigraph import BlankNode, DefaultGraph, NamedNode
from pyoxigraph import Literal as OxLiteral

from credex.core.errors import CoreError
from credex.core.fastcanon.shape import UnsupportedShape, substitute
from credex.core.jsonld import load_document, to_rdf
from credex.core.rdf_terms import to_oxigraph_quads

SlotKind = Literal["iri", "literal"]
NONCE = secrets.token_hex(8)
PLACEHOLDER_PREFIX = f"urn:x-credex-slot:{NONCE}:"
# Schemes the fast path substitutes into IRI slots; a context defining one of these as a term
# could turn "did:…" into a compact IRI, so such contexts disable the fast path.
SAFE_SCHEMES = ("http", "https", "urn", "did", "mailto")


def placeholder(index: int) -> str:
    return f"{PLACEHOLDER_PREFIX}{index}"


@dataclass
class Template:
    formats: list[str]
    slot_kinds: dict[int, SlotKind]
    blank_nodes: list[str]  # format field names of the blank nodes
    quads_of: dict[str, list[int]] = field(default_factory=dict)  # blank node → its quads
    # Precomputed for speed: each line as a pattern over slots only, blank nodes written as
    # tokens (`\x01<name>\x02`, which neither escaped literals nor safe IRIs can contain), and
    # the blank node tokens each line holds.
    lines: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    slots: list[tuple[int, str, SlotKind]] = field(default_factory=list)


def build_template(doc: dict[str, Any], keep: dict[int, str]) -> Template:
    """Expand `doc` with placeholders in every slot not in `keep` (slot → its real value)."""
    _refuse_scheme_terms(doc.get("@context"))
    probe = substitute(doc, lambda i, value: keep.get(i, placeholder(i)))
    try:
        quads, _ = to_oxigraph_quads(to_rdf(probe))
    except CoreError as exc:
        raise UnsupportedShape(f"the general path refuses this shape: {exc.detail}") from exc
    template = Template(formats=[], slot_kinds={}, blank_nodes=[])
    for position, quad in enumerate(quads):
        terms = [quad.subject, quad.predicate, quad.object]
        if not isinstance(quad.graph_name, DefaultGraph):
            terms.append(quad.graph_name)
        parts = [_term_pattern(term, template, position) for term in terms]
        template.formats.append(" ".join(parts) + " .\n")
    _precompute(template)
    return template


def _precompute(template: Template) -> None:
    tokens = {node: blank_node_token(node) for node in template.blank_nodes}
    for position, line in enumerate(template.formats):
        held = tuple(tokens[n] for n, found in template.quads_of.items() if position in found)
        template.lines.append((_fill_blank_nodes(line, tokens), held))
    template.slots = sorted((i, f"s{i}", kind) for i, kind in template.slot_kinds.items())


def blank_node_token(name: str) -> str:
    return f"\x01{name}\x02"


def _fill_blank_nodes(line: str, labels: dict[str, str]) -> str:
    """Replace blank node fields by fixed text, keeping slot fields as fields."""
    for name, label in labels.items():
        line = line.replace("{" + name + "}", label)
    return line


def _term_pattern(term: Any, template: Template, position: int) -> str:
    if isinstance(term, BlankNode):
        name = "b" + term.value
        if name not in template.quads_of:
            template.blank_nodes.append(name)
            template.quads_of[name] = []
        if position not in template.quads_of[name]:
            template.quads_of[name].append(position)
        return "{" + name + "}"
    text = str(term)
    if isinstance(term, NamedNode) and term.value.startswith(PLACEHOLDER_PREFIX):
        return "<{" + _slot(term.value, "iri", template) + "}>"
    if isinstance(term, OxLiteral) and term.value.startswith(PLACEHOLDER_PREFIX):
        name = _slot(term.value, "literal", template)
        before, _, after = text.partition(term.value)
        if PLACEHOLDER_PREFIX in after:
            raise UnsupportedShape("a placeholder appears twice in one literal")
        return _escape_braces(before) + "{" + name + "}" + _escape_braces(after)
    if NONCE in text:
        raise UnsupportedShape("a slot value was transformed by JSON-LD processing")
    return _escape_braces(text)


def _slot(value: str, kind: SlotKind, template: Template) -> str:
    suffix = value[len(PLACEHOLDER_PREFIX) :]
    if not suffix.isdigit():
        raise UnsupportedShape("a slot value was transformed by JSON-LD processing")
    index = int(suffix)
    if template.slot_kinds.setdefault(index, kind) != kind:
        raise UnsupportedShape("a slot is used both as an IRI and as a literal")
    return f"s{index}"


def _escape_braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _refuse_scheme_terms(context: Any) -> None:
    """Refuse contexts that define a term named like an IRI scheme we substitute."""
    pending = list(context) if isinstance(context, list) else [context]
    seen: set[str] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if item in seen:
                continue
            seen.add(item)
            item = load_document(item)["document"].get("@context")
            pending.append(item)
        elif isinstance(item, dict):
            if any(scheme in item for scheme in SAFE_SCHEMES):
                raise UnsupportedShape("a context defines a term named like an IRI scheme")
            for key, value in item.items():
                if key == "@context" or isinstance(value, dict | list):
                    pending.append(value)
        elif isinstance(item, list):
            pending.extend(item)
