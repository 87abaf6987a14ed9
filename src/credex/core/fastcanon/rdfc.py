"""RDFC-1.0 for datasets whose blank nodes all have distinct first-degree hashes.

This is the whole algorithm for that case (https://www.w3.org/TR/rdf-canon/#canon-algorithm):
steps 1–3 build the blank node to quads map (done once per template), step 4 computes each blank
node's Hash First Degree Quads (its quads in canonical N-Quads with itself as `_:a` and other
blank nodes as `_:z`, sorted, concatenated, SHA-256), step 5 issues `c14n<i>` in code point order
of those hashes when every hash is unique, and step 7 relabels and sorts. Datasets with shared
hashes need Hash N-Degree Quads; for those `canonical_nquads` returns None and the caller uses
the general implementation (oxigraph), which also guards against poison graphs.

Hashes are compared as raw digests: lower-case hex (what the algorithm sorts) orders exactly as
the bytes it encodes.
"""

from __future__ import annotations

import hashlib

from credex.core.fastcanon.template import Template

_LABELS = tuple(f"_:c14n{n}" for n in range(256))


def canonical_nquads(template: Template, values: list[str]) -> str | None:
    """Canonical N-Quads of the template filled with `values` (N-Quads text of each slot)."""
    arguments = values
    if template.blank_nodes:
        labels = _canonical_labels(template, values)
        if labels is None:
            return None
        arguments = values + labels
    lines = template.lines(arguments).split("\n")
    lines.pop()  # after the last line feed
    distinct = set(lines)
    if len(distinct) != len(lines):
        # Equal values made two template quads one (e.g. the issuer's profile given twice); the
        # dataset holds it once. Quads of blank nodes must stay distinct: the first-degree
        # hashes above were computed over every one of them. (A line with a blank node never
        # equals one without: `_:` labels are written unlike IRIs and literals.)
        with_blanks = template.blank_lines
        if with_blanks and len(set(lines[:with_blanks])) != with_blanks:
            return None
        lines = list(distinct)
    if not lines:
        return ""
    lines.sort()
    return "\n".join(lines) + "\n"


def _canonical_labels(template: Template, values: list[str]) -> list[str] | None:
    """`_:c14n<i>` of each blank node, or None when two first-degree hashes are equal."""
    computed: dict[int, bytes] = {}
    for node, lines in template.ordered:
        computed[node] = hashlib.sha256(lines(values).encode("utf-8")).digest()
    if template.groups:
        masked = template.masked(values).split("\n")
        for node, start, stop in template.groups:
            quads = masked[start:stop]
            quads.sort()
            quads.append("")  # every serialized quad ends with a line feed
            computed[node] = hashlib.sha256("\n".join(quads).encode("utf-8")).digest()
    hashes = [
        computed[k] if fixed is None else fixed for k, fixed in enumerate(template.fixed_hashes)
    ]
    if len(set(hashes)) != len(hashes):
        return None
    labels = [""] * len(hashes)
    ranked = sorted(range(len(hashes)), key=hashes.__getitem__)
    for rank, node in enumerate(ranked):
        labels[node] = _LABELS[rank] if rank < len(_LABELS) else f"_:c14n{rank}"
    return labels
