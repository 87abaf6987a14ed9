"""Compiled shape matchers agree exactly with `flatten`, and copiers with a JSON round trip.

The fast path finds a document's template with the matcher of a known shape instead of
flattening the document; that is only sound if a matcher accepts exactly the documents whose
flattened key is its shape's key, and reads the same slot values. Hypothesis generates pairs of
JSON documents that often share a shape (few keys, few scalar values) and checks both ways.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from credex.core.fastcanon import copy_document
from credex.core.fastcanon.matcher import compile_matcher
from credex.core.fastcanon.shape import UnsupportedShape, flatten

# Few keys and scalars, so that two drawn documents often have the same shape or nearly.
keys = st.sampled_from(["id", "type", "name", "@context", "@id", "@value", "@language", "k"])
scalars = st.one_of(
    st.sampled_from(["", "a", "type", "@id", "é", "\x00", "\ud800", "'", '"', "\\", "{0}"]),
    st.text(max_size=4),
    st.sampled_from([0, 1, -1, 2**70, True, False, None, 0.0, -0.0, 1.0, 2.5, math.inf]),
    st.just(math.nan),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=12,
)
documents = st.dictionaries(keys, json_values, max_size=4)


def _flat_or_none(doc: Any) -> tuple[tuple[str, ...], list[str]] | None:
    try:
        flat = flatten(doc)
    except UnsupportedShape:
        return None
    return flat.key, flat.values


def _variant(data: st.DataObject, node: Any) -> Any:
    """`node` with some scalars redrawn: often the same shape (slot strings), sometimes not."""
    if isinstance(node, dict):
        return {key: _variant(data, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_variant(data, item) for item in node]
    return data.draw(scalars) if data.draw(st.booleans()) else node


@settings(max_examples=500, deadline=None)
@given(documents, st.data())
def test_a_matcher_accepts_exactly_the_documents_of_its_shape(
    first: dict[str, Any], data: st.DataObject
) -> None:
    second = data.draw(st.one_of(st.just(_variant(data, first)), documents))
    flat_first = _flat_or_none(first)
    if flat_first is None:
        return
    match, copy = compile_matcher(first)
    assert match(first) == flat_first[1]
    flat_second = _flat_or_none(second)
    same_shape = flat_second is not None and flat_second[0] == flat_first[0]
    values = match(second)
    if same_shape:
        assert flat_second is not None
        assert values == flat_second[1]
    else:
        assert values is None
        assert copy(second) is None


@settings(max_examples=300, deadline=None)
@given(documents)
def test_a_copier_returns_what_a_json_round_trip_returns(doc: dict[str, Any]) -> None:
    if _flat_or_none(doc) is None:
        return
    _, copy = compile_matcher(doc)
    copied = copy(doc)
    expected = json.loads(json.dumps(doc))
    assert json.dumps(copied) == json.dumps(expected)  # also compares nan, -0.0 and key order
    assert _containers(copied).isdisjoint(_containers(doc))  # a deep copy: no shared dict/list


def test_type_subclasses_and_tuples_are_not_a_shape() -> None:
    class Text(str):
        pass

    for doc in ({"a": Text("x")}, {"a": ("x",)}, {"a": {1: "x"}}, {"a": 1 + 2j}):
        assert _flat_or_none(doc) is None
    match, _ = compile_matcher({"a": "x", "b": [1]})
    assert match({"a": Text("x"), "b": [1]}) is None
    assert match({"a": "x", "b": [True]}) is None
    assert match({"a": "x", "b": [1.0]}) is None
    assert match({"b": [1], "a": "x"}) is None  # key order is part of the shape
    assert match({"a": "y", "b": [1]}) == ["y"]


def test_copy_document_copies_known_and_unknown_shapes_alike() -> None:
    from credex.core.fastcanon import canonicalize_fast

    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:7",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject", "name": "N"},
    }
    canonicalize_fast(doc)  # registers the shape, so the copier is used
    for candidate in (doc, {**doc, "extra": [1.5, None]}):
        copied = copy_document(candidate)
        assert copied == candidate
        assert list(copied) == list(candidate)
        assert copied["credentialSubject"] is not candidate["credentialSubject"]


def _containers(node: Any) -> set[int]:
    found: set[int] = set()
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            found.add(id(item))
            pending.extend(item.values())
        elif isinstance(item, list):
            found.add(id(item))
            pending.extend(item)
    return found
