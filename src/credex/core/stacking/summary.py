"""A stacking rule in plain words: "any 2 of these 3 (A, B, C), at least 6 ECTS, within 24 months".

Works on the rule's JSON form (`credex.core.stacking.rules`); `names` maps achievement ids or
URLs to titles, so a summary reads like the catalogue rather than a list of identifiers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def describe(node: Mapping[str, Any], names: Mapping[str, str]) -> str:  # noqa: PLR0911 - one per kind
    kind = node.get("type")
    if kind == "achievement":
        ref = str(node.get("achievement", ""))
        return names.get(ref, names.get(ref.rsplit("/", 1)[-1], ref))
    if kind == "all_of":
        parts = node.get("of", [])
        listed = ", ".join(_part(child, names) for child in parts)
        if all(child.get("type") == "achievement" for child in parts):
            return f"all of ({listed})"
        return listed  # conditions that must all hold read as a list
    if kind == "n_of":
        parts = node.get("of", [])
        listed = ", ".join(_part(child, names) for child in parts)
        return f"any {node.get('n')} of these {len(parts)} ({listed})"
    if kind == "min_credits":
        return f"at least {node.get('credits')} ECTS" + _filter(node.get("filter") or {})
    if kind == "min_eqf_level":
        count = node.get("count", 1)
        what = "one credential" if count == 1 else f"{count} credentials"
        return f"{what} at EQF level {node.get('level')} or above"
    if kind == "within":
        since = "of each other" if node.get("relative_to", "each_other") == "each_other" else "ago"
        return (
            f"{describe(node.get('of') or {}, names)}, within {node.get('months')} months {since}"
        )
    return str(kind or "an unknown requirement")


def _part(node: Mapping[str, Any], names: Mapping[str, str]) -> str:
    text = describe(node, names)
    nested = node.get("type") == "all_of" and not text.startswith("all of")
    return f"({text})" if nested else text


def _filter(found: Mapping[str, Any]) -> str:
    bits = []
    if found.get("min_eqf_level"):
        bits.append(f"at EQF level {found['min_eqf_level']} or above")
    if found.get("competency_codes"):
        bits.append("in " + ", ".join(found["competency_codes"]))
    return (" " + " and ".join(bits)) if bits else ""
