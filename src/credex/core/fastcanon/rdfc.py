"""RDFC-1.0 for datasets whose blank nodes all have distinct first-degree hashes.

This is the whole algorithm for that case (https://www.w3.org/TR/rdf-canon/#canon-algorithm):
steps 1–3 build the blank node to quads map, step 4 computes each blank node's Hash First
Degree Quads (its quads in canonical N-Quads with itself as `_:a` and other blank nodes as
`_:z`, sorted, concatenated, SHA-256), step 5 issues `c14n<i>` in code point order of those
hashes when every hash is unique, and step 7 relabels and sorts. Datasets with shared hashes
need Hash N-Degree Quads; for those `canonical_nquads` returns None and the caller uses the
general implementation (oxigraph), which also guards against poison graphs.
"""

from __future__ import annotations

import hashlib

from credex.core.fastcanon.template import Template


def canonical_nquads(template: Template, fields: dict[str, str]) -> str | None:
    """Canonical N-Quads of the template filled with `fields` (slot name → N-Quads text)."""
    # The dataset: substituted lines, with blank nodes as tokens. Equal IRIs can make two
    # template quads the same quad; a dataset holds it once.
    dataset: dict[str, tuple[str, ...]] = {}
    for pattern, held in template.lines:
        dataset.setdefault(pattern.format_map(fields), held)
    if not template.blank_nodes:
        return "".join(sorted(dataset))
    mentions: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for line, held in dataset.items():
        for token in set(held):
            mentions.setdefault(token, []).append((line, held))
    hashes: dict[str, str] = {}
    for token, lines in mentions.items():
        # Hash First Degree Quads: serializations are NOT deduplicated (two quads may look
        # alike once other blank nodes are all `_:z`).
        masked = sorted(_relabel(line, held, token) for line, held in lines)
        hashes[token] = hashlib.sha256("".join(masked).encode("utf-8")).hexdigest()
    if len(set(hashes.values())) != len(hashes):
        return None
    labels = {token: f"_:c14n{n}" for n, token in enumerate(sorted(hashes, key=hashes.__getitem__))}
    return "".join(sorted(_relabel_all(line, held, labels) for line, held in dataset.items()))


def _relabel_all(line: str, held: tuple[str, ...], labels: dict[str, str]) -> str:
    for token in held:
        line = line.replace(token, labels[token])
    return line


def _relabel(line: str, held: tuple[str, ...], reference: str) -> str:
    for token in held:
        line = line.replace(token, "_:a" if token == reference else "_:z")
    return line
