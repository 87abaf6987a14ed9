"""pyld's RDF dataset (dicts) as pyoxigraph terms and quads.

pyld produces RDF as nested dicts; oxigraph canonicalizes `Quad` objects. Building the terms
directly (rather than printing and re-parsing N-Quads) keeps literals exact: pyld's N-Quads
writer does not escape control characters the way RDF canonical N-Quads requires.
"""

from __future__ import annotations

import json
from typing import Any

from pyoxigraph import BaseDirection, BlankNode, DefaultGraph, Literal, NamedNode, Quad

from credex.core.errors import CanonicalizationError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_oxigraph_quads(dataset: dict[str, list[Any]]) -> tuple[list[Quad], list[tuple[str, ...]]]:
    """Oxigraph quads, plus each quad as four string keys (blank nodes as `_:id`) for costing."""
    named: dict[str, NamedNode] = {}
    quads: list[Quad] = []
    keyed: list[tuple[str, ...]] = []

    def node(term: dict[str, Any]) -> tuple[NamedNode | BlankNode, str]:
        value = term["value"]
        if term["type"] == "blank node":
            return BlankNode(value[2:]), value
        iri = named.get(value)
        if iri is None:
            iri = named[value] = NamedNode(value)
        return iri, f"<{value}>"

    def obj(term: dict[str, Any]) -> tuple[NamedNode | BlankNode | Literal, str]:
        if term["type"] != "literal":
            return node(term)
        return to_literal(term), json.dumps(
            [term["value"], term.get("datatype"), term.get("language")]
        )

    try:
        for graph_name, triples in dataset.items():
            graph: NamedNode | BlankNode | DefaultGraph
            if graph_name == "@default":
                graph, graph_key = DefaultGraph(), ""
            else:
                kind = "blank node" if graph_name.startswith("_:") else "IRI"
                graph, graph_key = node({"type": kind, "value": graph_name})
            for triple in triples:
                subject, s_key = node(triple["subject"])
                predicate, p_key = node(triple["predicate"])
                object_, o_key = obj(triple["object"])
                if not isinstance(predicate, NamedNode):
                    raise CanonicalizationError("a predicate must be an IRI")
                quads.append(Quad(subject, predicate, object_, graph))
                keyed.append((s_key, p_key, o_key, graph_key))
    except ValueError as exc:  # oxigraph validates IRIs and language tags
        raise CanonicalizationError(f"not a valid RDF term: {exc}") from exc
    return quads, keyed


def to_literal(term: dict[str, Any]) -> Literal:
    value, datatype, language = term["value"], term.get("datatype"), term.get("language")
    if language:
        direction = term.get("direction")
        if direction:
            base = BaseDirection.RTL if direction == "rtl" else BaseDirection.LTR
            return Literal(value, language=language, direction=base)
        return Literal(value, language=language)
    if datatype and datatype not in (XSD_STRING, RDF_LANGSTRING):
        return Literal(value, datatype=NamedNode(datatype))
    return Literal(value)
