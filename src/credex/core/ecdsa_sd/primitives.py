"""The selective disclosure functions of VC-DI-ECDSA §3.4 (https://www.w3.org/TR/vc-di-ecdsa/).

Blank nodes are made addressable by skolemizing (every node object gets a `urn:custom-scheme:`
id), JSON pointers select parts of the skolemized document, and canonical N-Quads are relabelled
with keyed (HMAC) labels so that a disclosure reveals nothing about the undisclosed statements.
RDFC-1.0's issued-identifier map comes from pyld's URDNA2015 (oxigraph does not expose it);
N-Quads are written by oxigraph, which escapes literals as canonical N-Quads require.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyld import jsonld as pyld

from credex.core.canon import check_canonicalization_cost
from credex.core.errors import CoreError, ProofGenerationError
from credex.core.jsonld import compact, expand, to_rdf
from credex.core.rdf_terms import to_oxigraph_quads

SKOLEM_PREFIX = "urn:custom-scheme:"
Dataset = dict[str, list[Any]]
LabelMap = dict[str, str]  # blank node label (no `_:`) → new label (no `_:`)
LabelMapFactory = Callable[[Mapping[str, str]], LabelMap]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hmac_label_map_factory(key: bytes) -> LabelMapFactory:
    """§3.4.4 createHmacIdLabelMapFunction: `u` + base64url(HMAC-SHA-256(canonical label))."""

    def factory(canonical_ids: Mapping[str, str]) -> LabelMap:
        return {
            label: "u" + b64url(hmac.new(key, c14n.encode("utf-8"), hashlib.sha256).digest())
            for label, c14n in canonical_ids.items()
        }

    return factory


def given_label_map_factory(label_map: Mapping[str, str]) -> LabelMapFactory:
    """§3.4.5 createLabelMapFunction: canonical label (`c14nN`) → label from a derived proof."""

    def factory(canonical_ids: Mapping[str, str]) -> LabelMap:
        try:
            return {label: label_map[c14n] for label, c14n in canonical_ids.items()}
        except KeyError as exc:
            raise CoreError(
                f"the proof's label map has no label for {exc.args[0]}",
                code="PROOF_VERIFICATION_ERROR",
            ) from exc

    return factory


def canonical_ids(dataset: Dataset) -> dict[str, str]:
    """RDFC-1.0 issued identifiers: input blank node label → `c14nN` (both without `_:`)."""
    _, keyed = to_oxigraph_quads(dataset)
    check_canonicalization_cost(keyed)  # refuse poisoned graphs before running RDFC-1.0
    algorithm = pyld.URDNA2015()
    algorithm.main(copy.deepcopy(dataset), {})
    issued: dict[str, str] = algorithm.canonical_issuer.existing
    return {old[2:]: new[2:] for old, new in issued.items()}


def relabel(dataset: Dataset, label_map: Mapping[str, str]) -> list[str]:
    """§3.4.7 relabelBlankNodes, then each quad as a canonical N-Quads line (unsorted)."""
    renamed = copy.deepcopy(dataset)
    for triples in renamed.values():
        for triple in triples:
            for position in ("subject", "object"):
                term = triple[position]
                if term["type"] == "blank node":  # a new dict: pyld shares term objects
                    triple[position] = {**term, "value": "_:" + label_map[term["value"][2:]]}
    quads, _ = to_oxigraph_quads(renamed)
    return [f"{quad} .\n" for quad in quads]


def label_replacement_canonicalize(
    dataset: Dataset, factory: LabelMapFactory
) -> tuple[LabelMap, list[str]]:
    """§3.4.2 labelReplacementCanonicalizeNQuads: (label map, sorted relabelled N-Quads)."""
    label_map = factory(canonical_ids(dataset))
    return label_map, sorted(set(relabel(dataset, label_map)))


def _skolemize(element: Any, prefix: str, counter: list[int]) -> Any:
    """§3.4.9 skolemizeExpandedJsonLd: every node object gets an IRI id."""
    if isinstance(element, list):
        return [_skolemize(item, prefix, counter) for item in element]
    if not isinstance(element, dict) or "@value" in element:
        return element
    node = {key: _skolemize(value, prefix, counter) for key, value in element.items()}
    if "@list" in element or "@set" in element:
        return node
    node_id = element.get("@id")
    if node_id is None:
        node["@id"] = f"{prefix}_{counter[0]}"
        counter[0] += 1
    elif isinstance(node_id, str) and node_id.startswith("_:"):
        node["@id"] = SKOLEM_PREFIX + node_id[2:]
    return node


def skolemize(document: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """§3.4.10 skolemizeCompactJsonLd: (skolemized expanded, skolemized compact) documents."""
    prefix = SKOLEM_PREFIX + "_" + secrets.token_urlsafe(12)
    expanded = _skolemize(expand(document), prefix, [0])
    return expanded, compact(expanded, document.get("@context"))


def deskolemized_dataset(document: Any) -> Dataset:
    """§3.4.11/12 toDeskolemizedNQuads: RDF of a skolemized document, skolem IRIs back to blanks."""
    dataset = to_rdf(document, check_data_loss=False)
    for triples in dataset.values():
        for triple in triples:
            for position in ("subject", "object"):
                term = triple[position]
                if term["type"] == "IRI" and term["value"].startswith(SKOLEM_PREFIX):
                    term["type"] = "blank node"
                    term["value"] = "_:" + term["value"][len(SKOLEM_PREFIX) :]
    return dataset


def parse_pointer(pointer: str) -> list[str | int]:
    """RFC 6901 JSON pointer → path segments (array indexes as ints)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise ProofGenerationError(f"not a JSON pointer: {pointer!r}")
    segments: list[str | int] = []
    for raw in pointer[1:].split("/"):
        segment = raw.replace("~1", "/").replace("~0", "~")
        segments.append(int(segment) if segment.isdigit() else segment)
    return segments


class _Sparse(dict[int, Any]):
    """An array under selection: only the selected indexes, made dense at the end."""


def _initial_selection(source: dict[str, Any]) -> dict[str, Any]:
    """§3.4.14 createInitialSelection: keep a non-blank `id` and the `type`."""
    selection: dict[str, Any] = {}
    node_id = source.get("id")
    if isinstance(node_id, str) and not node_id.startswith("_:"):
        selection["id"] = node_id
    if "type" in source:
        selection["type"] = source["type"]
    return selection


def _child(value: Any, segment: str | int, pointer: str) -> tuple[Any, str | int]:
    """(the value at `segment` of `value`, the key to use for it in the selection)."""
    if isinstance(value, list) and isinstance(segment, int) and segment < len(value):
        return value[segment], segment
    if isinstance(value, dict) and str(segment) in value:
        return value[str(segment)], str(segment)
    raise ProofGenerationError(f"JSON pointer {pointer!r} does not match the document")


def _select_paths(pointer: str, document: dict[str, Any], selection: dict[str, Any]) -> None:
    """§3.4.15 selectPaths: create the path in the selection, then copy the value it names."""
    value: Any = document
    selected_parent: Any = selection
    selected_value: Any = selection
    key: str | int | None = None
    for segment in parse_pointer(pointer):
        selected_parent = selected_value
        value, key = _child(value, segment, pointer)
        selected_value = selected_parent.get(key)
        if selected_value is None:
            if isinstance(value, list):
                selected_value = _Sparse()
            elif isinstance(value, dict):
                selected_value = _initial_selection(value)
            selected_parent[key] = selected_value
    if key is None:
        return
    if isinstance(value, dict):
        selected_parent[key] = {**(selected_value or {}), **copy.deepcopy(value)}
    else:
        selected_parent[key] = copy.deepcopy(value)


def _dense(value: Any) -> Any:
    if isinstance(value, _Sparse):
        return [_dense(value[index]) for index in sorted(value)]
    if isinstance(value, dict):
        return {key: _dense(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dense(item) for item in value]
    return value


def select_json_ld(pointers: Sequence[str], document: dict[str, Any]) -> dict[str, Any] | None:
    """§3.4.13 selectJsonLd: the parts of `document` the pointers name (None for none)."""
    if not pointers:
        return None
    selection = _initial_selection(document)
    if "@context" in document:
        selection["@context"] = copy.deepcopy(document["@context"])
    for pointer in pointers:
        _select_paths(pointer, document, selection)
    result: dict[str, Any] = _dense(selection)
    return result


@dataclass
class Group:
    """N-Quads of the full document (by index) that a group's pointers do or do not select."""

    matching: dict[int, str] = field(default_factory=dict)
    non_matching: dict[int, str] = field(default_factory=dict)
    deskolemized: Dataset = field(default_factory=dict)


@dataclass
class Grouped:
    groups: dict[str, Group]
    label_map: LabelMap
    nquads: list[str]


def canonicalize_and_group(
    document: dict[str, Any], factory: LabelMapFactory, definitions: Mapping[str, Sequence[str]]
) -> Grouped:
    """§3.4.16 canonicalizeAndGroup."""
    expanded, compact_document = skolemize(document)
    label_map, nquads = label_replacement_canonicalize(deskolemized_dataset(expanded), factory)
    groups = {}
    for name, pointers in definitions.items():
        selection = select_json_ld(pointers, compact_document)
        dataset = deskolemized_dataset(selection) if selection is not None else {}
        selected = set(relabel(dataset, label_map))
        group = Group(deskolemized=dataset)
        for index, line in enumerate(nquads):
            (group.matching if line in selected else group.non_matching)[index] = line
        groups[name] = group
    return Grouped(groups, label_map, nquads)
