"""Per-shape templates: the shape's RDF, computed once by the general path, with slots.

A template is built by expanding the shape with a unique placeholder IRI in every slot
(`urn:x-credex-slot:<nonce>:<i>`) through the same pyld + oxigraph pipeline as the general path.
Each placeholder must come out whole, either as an IRI (the slot is an `@id`-like position) or as
a literal's lexical form (a value position); anything else (a placeholder transformed, embedded
in another term, or a shape that fails) marks the shape unsupported.

The quads are kept as their canonical N-Quads lines with holes (a `Filler`), all lines of a
template in one, so that filling them is a few C calls: argument i is slot value i and argument
`slot_count + k` the canonical label of blank node k. For RDFC-1.0's Hash First Degree Quads
(credex.core.fastcanon.rdfc) each blank node also gets its lines with itself written `_:a` and
other blank nodes `_:z`; when none of those lines holds a slot, the hash is computed here once,
and when their constant text fixes how they sort, they are kept sorted, ready to hash.

Every line ends with one U+000A and holds no other character below U+0020: canonical N-Quads
escapes control characters in literals, and IRI slots only take IRIs without them. So
`.split("\\n")` recovers the lines, and sorting lines without their U+000A orders them as
sorting them with it would.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Literal, NamedTuple

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad
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


class Blank(NamedTuple):
    """Blank node k of a template (numbered in order of first appearance)."""

    number: int


# A line as parts: constant N-Quads text, a slot index, or a blank node.
Part = str | int | Blank


class Filler:
    """Text with references to arguments, filled by C-level list slicing and one join.

    `str.format` parses its pattern on every call, which costs several times more for the
    hundred-odd fields of a credential's lines; here the constant pieces are split once.
    """

    def __init__(self, parts: list[str | int]) -> None:
        pieces, refs = [""], []
        for part in parts:
            if isinstance(part, int):
                refs.append(part)
                pieces.append("")
            else:
                pieces[-1] += part
        self.refs = tuple(refs)
        self._buffer: list[str] = [""] * (2 * len(refs) + 1)
        self._buffer[::2] = pieces
        self._pick = itemgetter(*refs) if len(refs) > 1 else None

    def __call__(self, arguments: list[str]) -> str:
        buffer = self._buffer.copy()
        if self._pick is not None:
            buffer[1::2] = self._pick(arguments)
        elif self.refs:
            buffer[1] = arguments[self.refs[0]]
        return "".join(buffer)


@dataclass(frozen=True)
class Template:
    """The RDF of one shape as N-Quads lines to fill with slot values (and blank node labels)."""

    slot_count: int  # slot values in the shape: arguments 0 .. slot_count-1
    iri_slots: tuple[int, ...]
    literal_slots: tuple[int, ...]
    lines: Filler  # every distinct quad's line; blank node k is argument slot_count + k
    blank_nodes: int
    blank_lines: int  # the lines holding a blank node come first
    # Hash First Degree Quads, per blank node: the SHA-256 digest when fixed by the shape, else
    # None and its masked lines are either `ordered` (k → those lines in their sorted order,
    # whatever the slot values) or `masked(values).split("\n")[start:stop]` for each
    # (k, start, stop) in groups, to be sorted.
    fixed_hashes: tuple[bytes | None, ...]
    ordered: tuple[tuple[int, Filler], ...]
    masked: Filler
    groups: tuple[tuple[int, int, int], ...]


def build_template(doc: dict[str, Any], keep: dict[int, str]) -> Template:
    """Expand `doc` with placeholders in every slot not in `keep` (slot → its real value)."""
    _refuse_scheme_terms(doc.get("@context"))
    slot_count = 0

    def probe_value(index: int, value: str) -> str:
        nonlocal slot_count
        slot_count = index + 1
        return keep.get(index, placeholder(index))

    probe = substitute(doc, probe_value)
    try:
        quads, _ = to_oxigraph_quads(to_rdf(probe))
    except CoreError as exc:
        raise UnsupportedShape(f"the general path refuses this shape: {exc.detail}") from exc
    return _assemble(_distinct_lines(quads), slot_count)


class _Terms:
    """Turns oxigraph terms into parts, numbering blank nodes and recording slot kinds."""

    def __init__(self) -> None:
        self.blank_nodes: dict[str, int] = {}
        self.slot_kinds: dict[int, SlotKind] = {}

    def parts(self, term: Any) -> list[Part]:
        if isinstance(term, BlankNode):
            return [Blank(self.blank_nodes.setdefault(term.value, len(self.blank_nodes)))]
        text = str(term)
        if "\n" in text:  # cannot happen in canonical N-Quads; lines are split on line feeds
            raise UnsupportedShape("an N-Quads term with a raw line feed")
        if isinstance(term, NamedNode) and term.value.startswith(PLACEHOLDER_PREFIX):
            return ["<", self._slot(term.value, "iri"), ">"]
        if isinstance(term, OxLiteral) and term.value.startswith(PLACEHOLDER_PREFIX):
            before, _, after = text.partition(term.value)
            if PLACEHOLDER_PREFIX in after:
                raise UnsupportedShape("a placeholder appears twice in one literal")
            return [before, self._slot(term.value, "literal"), after]
        if NONCE in text:
            raise UnsupportedShape("a slot value was transformed by JSON-LD processing")
        return [text]

    def _slot(self, value: str, kind: SlotKind) -> int:
        suffix = value[len(PLACEHOLDER_PREFIX) :]
        if not suffix.isdigit():
            raise UnsupportedShape("a slot value was transformed by JSON-LD processing")
        index = int(suffix)
        if self.slot_kinds.setdefault(index, kind) != kind:
            raise UnsupportedShape("a slot is used both as an IRI and as a literal")
        return index


@dataclass
class _Lines:
    parts: list[list[Part]]
    terms: _Terms


def _distinct_lines(quads: list[Quad]) -> _Lines:
    """Each distinct quad as parts ending in ` .\\n` (a dataset holds a quad once)."""
    terms = _Terms()
    seen: set[tuple[Part, ...]] = set()
    lines: list[list[Part]] = []
    for quad in quads:
        line: list[Part] = []
        graph = [] if isinstance(quad.graph_name, DefaultGraph) else [quad.graph_name]
        for position, term in enumerate([quad.subject, quad.predicate, quad.object, *graph]):
            line.extend(([" "] if position else []) + terms.parts(term))
        line.append(" .\n")
        if tuple(line) not in seen:
            seen.add(tuple(line))
            lines.append(line)
    return _Lines(lines, terms)


def _assemble(found: _Lines, slot_count: int) -> Template:
    """The fillers of the lines and of each blank node's masked lines (or its fixed hash)."""
    kinds = found.terms.slot_kinds
    blank_count = len(found.terms.blank_nodes)
    fixed: list[bytes | None] = []
    ordered: list[tuple[int, Filler]] = []
    masked: list[str | int] = []
    groups: list[tuple[int, int, int]] = []
    masked_lines = 0
    lines_of: list[list[list[Part]]] = [[] for _ in range(blank_count)]  # linear, not k × lines
    for line in found.parts:
        for k in dict.fromkeys(part.number for part in line if isinstance(part, Blank)):
            lines_of[k].append(line)
    for k in range(blank_count):
        mine = [_text_and_slots(line, _masking(k)) for line in lines_of[k]]
        in_order = _fixed_order(mine)
        if not any(isinstance(part, int) for line in mine for part in line):
            text = "".join(sorted("".join(map(str, line)) for line in mine))
            fixed.append(hashlib.sha256(text.encode("utf-8")).digest())
            continue
        fixed.append(None)
        if in_order is not None:
            ordered.append((k, Filler([part for line in in_order for part in line])))
        else:
            groups.append((k, masked_lines, masked_lines + len(mine)))
            masked_lines += len(mine)
            masked.extend(part for line in mine for part in line)
    with_blanks = [line for line in found.parts if any(isinstance(p, Blank) for p in line)]
    without = [line for line in found.parts if not any(isinstance(p, Blank) for p in line)]
    lines = [_text_and_slots(line, lambda j: slot_count + j) for line in with_blanks + without]
    return Template(
        slot_count=slot_count,
        iri_slots=tuple(sorted(i for i, kind in kinds.items() if kind == "iri")),
        literal_slots=tuple(sorted(i for i, kind in kinds.items() if kind == "literal")),
        lines=Filler([part for line in lines for part in line]),
        blank_nodes=blank_count,
        blank_lines=len(with_blanks),
        fixed_hashes=tuple(fixed),
        ordered=tuple(ordered),
        masked=Filler(masked),
        groups=tuple(groups),
    )


def _fixed_order(lines: list[list[str | int]]) -> list[list[str | int]] | None:
    """The lines in the order sorting them gives for any slot values, if their text fixes it.

    Two lines compare by their constant text before the first slot when those texts differ
    before either ends; two lines without slots compare as they are. Sorted by that text, the
    lines are in order when each neighbouring pair is decided so (order is transitive).
    """
    by_prefix = sorted(lines, key=_text_before_slot)
    for first, second in itertools.pairwise(by_prefix):
        before, after = _text_before_slot(first), _text_before_slot(second)
        fixed = all(isinstance(part, str) for part in (*first, *second))
        if after.startswith(before) and not (before == after and fixed):
            return None
    return by_prefix


def _text_before_slot(line: list[str | int]) -> str:
    text = []
    for part in line:
        if isinstance(part, int):
            break
        text.append(part)
    return "".join(text)


def _masking(reference: int) -> Callable[[int], str]:
    """Hash First Degree Quads' relabelling: the reference blank node `_:a`, any other `_:z`."""
    return lambda k: "_:a" if k == reference else "_:z"


def _text_and_slots(line: list[Part], blank: Callable[[int], str | int]) -> list[str | int]:
    """The line with blank node k replaced by `blank(k)` (text, or an argument index)."""
    return [blank(part.number) if isinstance(part, Blank) else part for part in line]


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
