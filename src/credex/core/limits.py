"""Work limits for untrusted JSON-LD documents, checked before any JSON-LD or RDFC-1.0 work.

Verification is public, and the work a document causes grows faster than its size: pyld's node
map compares every value of a property with every other one (quadratic in a list's length),
building a fast-path template visits every blank node's quads, and RDFC-1.0's Hash N-Degree
Quads tries every permutation of blank nodes it cannot tell apart
(https://www.w3.org/TR/rdf-canon/#dataset-poisoning). `check_document` walks the JSON once,
without recursion, and refuses a document before any of that starts when it exceeds a limit:
nesting depth, JSON values, items in one list, the quadratic list work (the sum of each list's
length squared), blank nodes (objects without an `id`), copies of one object in a list (the
"identical blank nodes" poison) and `_:` references (what cycles and cliques of blank nodes
need). What passes is then bounded by those numbers; the RDFC-1.0 guard in `credex.core.canon`
counts Hash N-Degree calls and permutations for the rest.

The limits are process-wide and set once by the service from its settings (`configure`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from credex.core.errors import CanonicalizationError


@dataclass(frozen=True)
class WorkLimits:
    """Defaults admit the largest realistic credentials (200 evidence items, 100 endorsements)."""

    max_json_depth: int = 32
    max_json_values: int = 20_000
    max_list_items: int = 500
    max_list_work: int = 120_000  # sum over lists of items²: pyld's node map is quadratic
    max_blank_nodes: int = 1_000
    max_identical_items: int = 8  # copies of one JSON object in one list
    max_blank_references: int = 64  # values that are `_:` identifiers (cycles, cliques)
    max_presentation_credentials: int = 20
    rdfc_cost: int = 40_000  # RDFC-1.0 permutation-weighted units (~0.5 µs each)
    rdfc_visits: int = 10_000  # quads hashed by Hash N-Degree Quads while recursing


class TooComplexError(CanonicalizationError):
    """The document exceeds a work limit: refused before JSON-LD processing (poison guard)."""


class _Configured:
    limits = WorkLimits()


def configure(limits: WorkLimits) -> None:
    """Set the process-wide limits (the service does this from its settings at start-up)."""
    _Configured.limits = limits


def current() -> WorkLimits:
    return _Configured.limits


def check_document(document: Any, limits: WorkLimits | None = None) -> None:
    """Raise TooComplexError when `document` exceeds a work limit; linear, stops early.

    Only objects and lists are stacked; scalars are counted where they stand (this runs on
    every verification, so it is kept to well under a microsecond per value).
    """
    limits = limits or _Configured.limits
    values, blank_nodes, references, list_work = 1, 0, 0, 0
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > limits.max_json_depth:
            raise _refuse(f"nested deeper than {limits.max_json_depth} levels", "MAX_JSON_DEPTH")
        if type(value) is dict:
            blank_nodes += "id" not in value and "@id" not in value
            children: Any = value.values()
        elif type(value) is list:
            list_work = _check_list(value, limits, list_work)
            children = value
        else:
            return  # a scalar document: nothing to walk
        values += len(children)
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                pending.append((child, depth + 1))
            elif kind is str and child.startswith("_:"):
                references += 1
        _check_totals(limits, values, blank_nodes, references)


def _check_totals(limits: WorkLimits, values: int, blank_nodes: int, references: int) -> None:
    if values > limits.max_json_values:
        raise _refuse(f"more than {limits.max_json_values} JSON values", "MAX_JSON_VALUES")
    if blank_nodes > limits.max_blank_nodes:
        raise _refuse(
            f"more than {limits.max_blank_nodes} objects without an id", "MAX_BLANK_NODES"
        )
    if references > limits.max_blank_references:
        raise _refuse(
            f"more than {limits.max_blank_references} blank node identifiers",
            "MAX_BLANK_REFERENCES",
        )


def _check_list(items: list[Any], limits: WorkLimits, list_work: int) -> int:
    """The list work so far, with this list's; refuses long lists and repeated objects."""
    size = len(items)
    if size > limits.max_list_items:
        raise _refuse(f"a list of more than {limits.max_list_items} items", "MAX_LIST_ITEMS")
    list_work += size * size
    if list_work > limits.max_list_work:
        raise _refuse("too many long lists", "MAX_LIST_WORK")
    if size > limits.max_identical_items:
        _check_copies(items, limits.max_identical_items)
    return list_work


def _check_copies(items: list[Any], most: int) -> None:
    """Refuse a list holding more than `most` equal objects (identical blank nodes or graphs)."""
    counts: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        try:
            key = json.dumps(item, sort_keys=True, default=str)
        except RecursionError as exc:
            raise _refuse("nested too deeply", "MAX_JSON_DEPTH") from exc
        counts[key] = counts.get(key, 0) + 1
        if counts[key] > most:
            raise _refuse(f"more than {most} copies of one object in a list", "MAX_IDENTICAL_ITEMS")


def _refuse(reason: str, setting: str) -> TooComplexError:
    return TooComplexError(
        f"refused as too costly to process safely (poison-graph guard): {reason} "
        f"(limit CREDEX_{setting})"
    )
