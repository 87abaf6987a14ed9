"""Hierarchy helpers over a `child -> parent` mapping, keyed by ids or by codes alike.

Everything is iterative, so a 10,000-deep chain in an import file cannot exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def children_of(parent_of: Mapping[K, K | None]) -> dict[K | None, list[K]]:
    children: dict[K | None, list[K]] = {}
    for node, parent in parent_of.items():
        children.setdefault(parent, []).append(node)
    return children


def nodes_in_cycles(parent_of: Mapping[K, K | None]) -> set[K]:
    """Nodes whose chain of parents loops back on itself (not merely below such a loop)."""
    state: dict[K, int] = {}  # 1 = on the current walk, 2 = finished
    cyclic: set[K] = set()
    for start in parent_of:
        walk: list[K] = []
        node: K | None = start
        while node is not None and node in parent_of and node not in state:
            state[node] = 1
            walk.append(node)
            node = parent_of[node]
        if node is not None and state.get(node) == 1:
            cyclic.update(walk[walk.index(node) :])
        for visited in walk:
            state[visited] = 2
    return cyclic


def would_create_cycle(parent_of: Mapping[K, K | None], node: K, new_parent: K | None) -> bool:
    """True if making `new_parent` the parent of `node` puts `node` among its own ancestors."""
    seen: set[K] = set()
    current = new_parent
    while current is not None and current not in seen:
        if current == node:
            return True
        seen.add(current)
        current = parent_of.get(current)
    return False


def depth_first(
    parent_of: Mapping[K, K | None], sort_key: Callable[[K], Any]
) -> list[tuple[K, int]]:
    """Pre-order walk from the roots, siblings sorted by `sort_key`: parents come first.

    Nodes inside a cycle (unreachable from any root) are left out; callers reject cycles first.
    """
    children = children_of(parent_of)
    for siblings in children.values():
        siblings.sort(key=sort_key)
    roots = [n for n, parent in parent_of.items() if parent is None or parent not in parent_of]
    stack: list[tuple[K, int]] = [(root, 0) for root in sorted(roots, key=sort_key, reverse=True)]
    order: list[tuple[K, int]] = []
    while stack:
        node, depth = stack.pop()
        order.append((node, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(node, [])))
    return order


def descendants(parent_of: Mapping[K, K | None], root: K) -> list[K]:
    """All nodes below `root`, parents before their children."""
    children = children_of(parent_of)
    found: list[K] = []
    stack = list(children.get(root, []))
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(children.get(node, []))
    return found


def chunks(items: Iterable[T], size: int) -> Iterable[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
