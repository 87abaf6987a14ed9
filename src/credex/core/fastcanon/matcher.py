"""Per-shape matchers: compiled code that recognizes documents of one shape and reads their slots.

Each shape also gets a copier: the same checks, returning a deep copy of the document (new
dicts and lists, the immutable strings and numbers shared), which is what
`json.loads(json.dumps(doc))` returns for such a document, several times faster.

`flatten` (credex.core.fastcanon.shape) walks a document generically to compute its shape key,
which costs a Python call and several tuple appends per JSON node. Once a shape is known, a
matcher does the same job as straight-line code written for that shape: one `type(...) is ...`
test per node, constants compared in place, dict key sequences compared as tuples, list lengths
compared, and slot strings read in flatten's depth-first order.

Exactness: the matcher checks at every node exactly what flatten's token for that node encodes
(the exact JSON type; the key sequence of an object; the length of an array; the text of a kept
string; `repr` of a number, boolean or null), so `match(doc)` returns the slot values when
`flatten(doc)` would produce this shape's key (and those same values), and None otherwise.
tests/core/test_fastcanon_matcher.py checks that property-based against `flatten`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from credex.core.fastcanon.shape import keeps_values

Matcher = Callable[[Any], list[str] | None]
Copier = Callable[[Any], Any]


def compile_matcher(doc: Any) -> tuple[Matcher, Copier]:
    """The matcher and copier of `doc`'s shape (only for a document `flatten` accepted)."""
    writer = _MatcherWriter()
    copy = writer.node(doc, "n0", keep=False)
    body = "\n".join(f"    {line}" for line in writer.lines)
    source = (
        f"def match(n0):\n{body}\n    return [{', '.join(writer.slots)}]\n\n"
        f"def copy(n0):\n{body}\n    return {copy}\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<credex shape matcher>", "exec"), namespace)  # noqa: S102 - our own code
    return namespace["match"], namespace["copy"]


class _MatcherWriter:
    """Writes the body of a matcher: one guard line per JSON node, `return None` on mismatch.

    Every literal is written with `repr`, which Python reads back as the same value.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.slots: list[str] = []  # variables holding slot values, in flatten's order
        self._names = 0

    def _name(self) -> str:
        self._names += 1
        return f"n{self._names}"

    def _guard(self, mismatch: str) -> None:
        self.lines.append(f"if {mismatch}: return None")

    def node(self, value: Any, name: str, *, keep: bool) -> str:
        """Guard the node held in variable `name`; returns an expression that copies it."""
        kind = type(value)
        if kind is str:
            if keep:
                self._guard(f"type({name}) is not str or {name} != {value!r}")
            else:
                self._guard(f"type({name}) is not str")
                self.slots.append(name)
        elif kind is dict:
            self._guard(f"type({name}) is not dict or tuple({name}) != {tuple(value)!r}")
            members = []
            for key, item in value.items():
                child = self._name()
                self.lines.append(f"{child} = {name}[{key!r}]")
                members.append(f"{key!r}: {self.node(item, child, keep=keep or keeps_values(key))}")
            return "{" + ", ".join(members) + "}"
        elif kind is list:
            self._guard(f"type({name}) is not list or len({name}) != {len(value)}")
            items = []
            for index, item in enumerate(value):
                child = self._name()
                self.lines.append(f"{child} = {name}[{index}]")
                items.append(self.node(item, child, keep=keep))
            return "[" + ", ".join(items) + "]"
        elif value is None or kind is bool:
            self._guard(f"{name} is not {value!r}")
        elif kind is int:
            self._guard(f"type({name}) is not int or {name} != {value!r}")
        elif kind is float:  # repr, as flatten: tells -0.0 from 0.0 and matches nan
            self._guard(f"type({name}) is not float or repr({name}) != {repr(value)!r}")
        else:
            raise TypeError(f"not a JSON value: {kind.__name__}")
        return name  # strings and numbers are immutable: the copy shares them
