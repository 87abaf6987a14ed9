"""A credential's *shape*: its JSON structure with free string values taken out as slots.

Credentials credex issues from one achievement differ only in strings (ids, names, dates,
hashes); their keys, types, numbers and nesting repeat. Two documents with the same shape expand
to the same RDF, term for term, except where a slot's value appears. Values that steer JSON-LD
processing itself are part of the shape, never slots: `type` values (they select type-scoped
contexts), everything under `@context`, keyword values, numbers, booleans and nulls.

Only the exact JSON types (`dict`, `list`, `str`, `int`, `float`, `bool`, `None`) are modelled:
a subclass could compare or iterate differently, so it sends the document to the general path.
`credex.core.fastcanon.matcher` compiles the same rules into per-shape code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 64
_KEPT_KEYS = frozenset({"type", "@type"})
_SLOT_KEYWORDS = frozenset({"@id", "@value"})
_SCALARS = (bool, int, float)


@dataclass(frozen=True)
class Flattened:
    key: tuple[str, ...]
    values: list[str]


class UnsupportedShape(Exception):
    """The document has something the fast path does not model; use the general path."""


def _keeps_literal(key: str) -> bool:
    return key in _KEPT_KEYS or (key.startswith("@") and key not in _SLOT_KEYWORDS)


def keeps_values(key: str) -> bool:
    """True when the strings under `key` are part of the shape rather than slots."""
    return key == "@context" or _keeps_literal(key)


def flatten(doc: dict[str, Any]) -> Flattened:
    """Shape key and slot values, in one depth-first walk (insertion order)."""
    tokens: list[str] = []
    values: list[str] = []

    def walk(node: Any, keep: bool, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise UnsupportedShape("too deep")
        kind = type(node)
        if kind is str:
            if keep:
                tokens.append("=" + node)
            else:
                tokens.append("$")
                values.append(node)
        elif kind is dict:
            tokens.append("{")
            for key, value in node.items():
                if type(key) is not str:
                    raise UnsupportedShape("a key that is not a string")
                tokens.append("k" + key)
                walk(value, keep or keeps_values(key), depth + 1)
            tokens.append("}")
        elif kind is list:
            tokens.append("[")
            for item in node:
                walk(item, keep, depth + 1)
            tokens.append("]")
        elif node is None or kind in _SCALARS:
            tokens.append(f"#{kind.__name__}:{node!r}")
        else:
            raise UnsupportedShape(f"not exactly a JSON type: {kind.__name__}")

    walk(doc, False, 0)
    return Flattened(tuple(tokens), values)


def substitute(doc: Any, replace: Callable[[int, str], str]) -> Any:
    """A copy of `doc` with the i-th slot value replaced by `replace(i, value)`.

    Visits slots in exactly the order `flatten` numbers them.
    """
    counter = 0

    def walk(node: Any, keep: bool) -> Any:
        nonlocal counter
        if isinstance(node, str):
            if keep:
                return node
            index = counter
            counter += 1
            return replace(index, node)
        if isinstance(node, dict):
            return {key: walk(value, keep or keeps_values(key)) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item, keep) for item in node]
        return node

    return walk(doc, False)
