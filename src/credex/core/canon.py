"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, as canonical N-Quads.

pyld turns the document into RDF (after data-loss detection, see `credex.core.jsonld`); the quads
go straight into a `pyoxigraph.Dataset` as terms, are canonicalized with RDFC-1.0 and written in
canonical N-Quads form (https://www.w3.org/TR/rdf-canon/#canonical-quads): one quad per line,
each ended by U+000A, sorted in code point order. Oxigraph escapes literals the way canonical
N-Triples requires (https://www.w3.org/TR/rdf12-n-triples/#canonical-ntriples):
`\\b \\t \\n \\f \\r \\" \\\\` as ECHAR, the other C0 controls and U+007F as upper-case
`\\uXXXX`, everything else raw; pyld's own N-Quads writer does not, which breaks signatures
over such strings.

RDFC-1.0 is exponential in the worst case (https://www.w3.org/TR/rdf-canon/#dataset-poisoning),
so the cost of a dataset is estimated first and hostile shapes are refused with
`CanonicalizationError`.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from typing import Any

from pyoxigraph import CanonicalizationAlgorithm, Dataset

from credex.core.errors import CanonicalizationError
from credex.core.fastcanon import canonicalize_fast, fill
from credex.core.jsonld import detect_data_loss, to_rdf
from credex.core.limits import check_document
from credex.core.limits import current as current_limits
from credex.core.rdf_terms import to_oxigraph_quads

# The budgets (`credex.core.limits`: rdfc_cost, rdfc_visits) are calibrated on pyoxigraph 0.5
# so that refused shapes would take more than ~50 ms: permutation-weighted units (~0.5 µs each)
# and quads hashed while recursing (~5 µs each). Ordinary credentials use neither: their blank
# nodes are told apart by first-degree hashes.
_MAX_SHARED_NEIGHBOURS = 8  # 8! permutations of indistinguishable neighbours is already a lot
_MAX_DEPTH = 200


# RDFC-1.0 is parameterized by its hash function (rdf-canon "hash algorithm"); ecdsa-rdfc-2019
# with P-384 keys uses SHA-384 (as its W3C test vectors show), everything else SHA-256.
_ALGORITHMS = {
    "sha256": CanonicalizationAlgorithm.RDFC_1_0,
    "sha384": CanonicalizationAlgorithm.RDFC_1_0_SHA_384,
}


def canonicalize(doc: dict[str, Any], *, rdfc_hash: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (raises on data loss or poison).

    Documents whose shape repeats take the byte-identical fast path (`credex.core.fastcanon`);
    everything it cannot prove it handles goes through pyld and oxigraph.
    """
    if rdfc_hash == "sha256" and fast_path.enabled:
        canonical = canonicalize_fast(doc)
        if canonical is not None:
            return canonical
    return canonicalize_general(doc, rdfc_hash=rdfc_hash)


def check_no_data_loss(doc: dict[str, Any]) -> None:
    """Raise DataLossError if JSON-LD expansion would drop anything from `doc`.

    A fast-path template exists only for shapes that passed the same detection, and only slot
    values that cannot change the expansion are filled in, so a document the fast path can fill
    has lost nothing (`credex.core.fastcanon.fill`); others get the full check.
    """
    if fast_path.enabled and fill(doc) is not None:
        return
    check_document(doc)
    detect_data_loss(doc)


def canonicalize_general(doc: dict[str, Any], *, rdfc_hash: str = "sha256") -> str:
    """The reference path: pyld JSON-LD to RDF, then oxigraph RDFC-1.0 (after the work limits)."""
    check_document(doc)
    return canonicalize_dataset(to_rdf(doc), rdfc_hash=rdfc_hash)


class _FastPathSwitch:
    """Lets benchmarks and differential tests compare both paths in one process."""

    enabled = True


fast_path = _FastPathSwitch()


def canonicalize_hash(doc: dict[str, Any], hash_name: str = "sha256") -> bytes:
    """`hash_name` digest of the canonical N-Quads (UTF-8), canonicalized with that same hash."""
    canonical = canonicalize(doc, rdfc_hash=hash_name)
    return hashlib.new(hash_name, canonical.encode("utf-8")).digest()


def canonicalize_dataset(dataset: dict[str, list[Any]], *, rdfc_hash: str = "sha256") -> str:
    """Canonical N-Quads of a dataset in pyld's shape ({graph name: [triples]})."""
    algorithm = _ALGORITHMS.get(rdfc_hash)
    if algorithm is None:
        raise CanonicalizationError(f"RDFC-1.0 hash must be sha256 or sha384, not {rdfc_hash!r}")
    quads, keyed = to_oxigraph_quads(dataset)
    check_canonicalization_cost(keyed)
    canonical = Dataset(quads)
    canonical.canonicalize(algorithm)
    return "".join(sorted(f"{quad} .\n" for quad in canonical))


def check_canonicalization_cost(quads: list[tuple[str, ...]]) -> int:
    """Refuse datasets whose RDFC-1.0 run would explode (rdf-canon "Dataset Poisoning").

    Emulates where RDFC-1.0 spends its time: blank nodes with a unique first-degree hash are
    labelled at once (Canonicalization Algorithm step 4); every other one goes through Hash
    N-Degree Quads, which tries every permutation of neighbours sharing a related hash and
    recurses into those not yet labelled. One representative path is followed and permutation
    counts multiplied, so the estimate costs far less than the algorithm it guards. Returns the
    estimated units (0 when every blank node is distinguishable by its first-degree hash).
    """
    mentions: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for quad in quads:
        for term in {quad[0], quad[2], quad[3]}:
            if term.startswith("_:"):
                mentions[term].append(quad)
    if not mentions:
        return 0
    signature = {node: _first_degree(node, found) for node, found in mentions.items()}
    group_sizes: dict[tuple[tuple[str, ...], ...], int] = defaultdict(int)
    for sig in signature.values():
        group_sizes[sig] += 1
    shared = {node for node, sig in signature.items() if group_sizes[sig] > 1}
    if not shared:
        return 0
    neighbours = {
        node: _shared_neighbours(node, mentions[node], shared, signature) for node in shared
    }
    limits = current_limits()
    estimate = _Estimate(
        neighbours,
        {node: len(mentions[node]) for node in shared},
        limits.rdfc_cost,
        limits.rdfc_visits,
    )
    total = 0
    for node in sorted(shared):
        total += estimate.hash_n_degree(node, {node}, depth=0)
        if total > limits.rdfc_cost:
            raise _too_complex(f"estimated cost above {limits.rdfc_cost} (CREDEX_RDFC_COST)")
    return total


def _first_degree(node: str, quads: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """The node's quads with itself as `_:a`, other blank nodes as `_:z` (Hash First Degree)."""

    def mask(term: str) -> str:
        if term == node:
            return "_:a"
        return "_:z" if term.startswith("_:") else term

    return tuple(sorted(tuple(mask(term) for term in quad) for quad in quads))


def _shared_neighbours(
    node: str,
    quads: list[tuple[str, ...]],
    shared: set[str],
    signature: dict[str, tuple[tuple[str, ...], ...]],
) -> list[tuple[tuple[Any, ...], str]]:
    """(related-hash key, neighbour) for neighbours without a unique label (Hash Related)."""
    related = []
    for quad in quads:
        for position, term in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
            if term != node and term in shared:
                predicate = quad[1] if position != "g" else ""
                related.append(((position, predicate, signature[term]), term))
    return related


class _Estimate:
    """Walks Hash N-Degree Quads once, counting visits and multiplying permutation counts."""

    def __init__(
        self,
        neighbours: dict[str, list[tuple[tuple[Any, ...], str]]],
        degree: dict[str, int],
        cost_budget: int,
        visit_budget: int,
    ) -> None:
        self._neighbours = neighbours
        self._degree = degree
        self._cost_budget = cost_budget
        self._visit_budget = visit_budget
        self.calls = 0  # Hash N-Degree Quads calls
        self.permutations = 0  # permutations of indistinguishable neighbours tried
        self.visits = 0  # quads hashed along the way: what long chains of look-alikes cost

    def hash_n_degree(self, node: str, issued: set[str], depth: int) -> int:
        """Estimated units for Hash N-Degree Quads of `node` given the labels in `issued`.

        Related blank nodes are grouped by related hash (position, predicate, first-degree
        hash); every permutation of a group's not-yet-labelled members is tried, then the
        algorithm recurses into them with the grown identifier issuer.
        """
        self.calls += 1
        self.visits += self._degree[node]
        if self.visits > self._visit_budget or depth > _MAX_DEPTH:
            raise _too_complex("long chains of indistinguishable blank nodes (CREDEX_RDFC_VISITS)")
        groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for key, other in self._neighbours[node]:
            if other not in groups[key]:
                groups[key].append(other)
        permutations = 1
        children: list[str] = []
        for key in sorted(groups):
            fresh = [other for other in groups[key] if other not in issued]
            if len(fresh) > _MAX_SHARED_NEIGHBOURS:
                raise _too_complex(f"{len(fresh)} interchangeable blank nodes around one node")
            permutations *= math.factorial(len(fresh))
            issued.update(fresh)
            children.extend(fresh)
        self.permutations += permutations
        below = sum(self.hash_n_degree(child, issued, depth + 1) for child in children)
        cost = permutations * (self._degree[node] + below)
        if cost > self._cost_budget:
            raise _too_complex(f"estimated cost above {self._cost_budget} (CREDEX_RDFC_COST)")
        return cost


def _too_complex(reason: str) -> CanonicalizationError:
    return CanonicalizationError(f"graph too complex to canonicalize safely: {reason}")
