"""Validate ELM credentials against the official EDC SHACL shapes (ELM 3.2, EDC shapes 1.2.0).

The JSON-LD goes to RDF through credex's own frozen document loader (shipped contexts only, no
network) and RDFC-1.0, then pyshacl checks it against `EDC-generic-no-cv.ttl` (structure) and
`EDC-generic-full.ttl` (controlled vocabularies), copied byte for byte in
`tests/core/vectors/elm-shapes/`. The Data Integrity proof is left out: it lives in its own named
graph (VC DM `proof` is `@container: @graph`), the EDC shapes' `sec:proof → elm:Proof` describes
the JAdES-era proof class, and the proof is checked by proof verification instead.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pyshacl
import rdflib

from credex.core.canon import canonicalize_general

SHAPES = Path(__file__).parent / "core" / "vectors" / "elm-shapes"


@cache
def _shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in ("EDC-generic-no-cv.ttl", "EDC-generic-full.ttl"):
        graph.parse(SHAPES / name, format="turtle")
    return graph


def data_graph(credential: dict[str, Any]) -> rdflib.Graph:
    unsigned = {key: value for key, value in credential.items() if key != "proof"}
    graph = rdflib.Graph()  # without the proof there is only the default graph: N-Triples
    graph.parse(data=canonicalize_general(unsigned), format="nt")
    return graph


def shacl_violations(credential: dict[str, Any]) -> tuple[int, str]:
    """(number of results, the report text) of validating `credential`; 0 means conformant."""
    conforms, report, text = pyshacl.validate(
        data_graph(credential), shacl_graph=_shapes(), inference="none", advanced=True
    )
    results = len(
        list(
            report.subjects(
                rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#ValidationResult")
            )
        )
    )
    assert conforms == (results == 0)
    return results, str(text)
