"""The fast path's shape cache: bounded, correct after eviction, and safe across threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from credex.core import fastcanon
from credex.core.canon import canonicalize_general
from credex.core.fastcanon import canonicalize_fast

V2 = "https://www.w3.org/ns/credentials/v2"


def credential(n: int, extra_names: int) -> dict[str, Any]:
    """Credentials of `extra_names + 1` shapes (the length of the name list) sharing top-level
    keys, so that several shapes compete for the matchers tried per document."""
    return {
        "@context": [V2],
        "id": f"urn:uuid:{n}",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {
            "id": f"did:example:{n}",
            "name": [f"name {n} {i}" for i in range(extra_names + 1)],
        },
    }


def test_shapes_beyond_the_bound_are_evicted_and_rebuilt_correctly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fastcanon.clear_templates()
    monkeypatch.setattr(fastcanon, "MAX_TEMPLATES", 3)
    built = fastcanon.stats.templates_built
    for n in range(30):  # six shapes in turn: each was evicted by the three before it
        doc = credential(n, n % 6)
        assert canonicalize_fast(doc) == canonicalize_general(doc)
    assert fastcanon.stats.templates_built - built == 30
    built = fastcanon.stats.templates_built
    for n in range(30):  # three shapes fit
        doc = credential(n, n % 3)
        assert canonicalize_fast(doc) == canonicalize_general(doc)
    assert fastcanon.stats.templates_built - built == 3
    fastcanon.clear_templates()


def test_concurrent_threads_get_the_general_paths_answers() -> None:
    fastcanon.clear_templates()
    docs = [credential(n, n % 7) for n in range(140)]
    expected = [canonicalize_general(doc) for doc in docs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(canonicalize_fast, docs))
    assert answers == expected
    fastcanon.clear_templates()


def test_shapes_too_big_for_a_matcher_are_found_by_flattening(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fastcanon.clear_templates()
    monkeypatch.setattr(fastcanon, "MAX_MATCHER_TOKENS", 40)
    monkeypatch.setattr(fastcanon, "MAX_TEMPLATES", 2)
    built = fastcanon.stats.templates_built
    for n in range(12):  # small shapes get matchers, big ones not; all are evicted in turn
        doc = credential(n, (n % 3) * 10)
        assert canonicalize_fast(doc) == canonicalize_general(doc)
        assert fastcanon.copy_document(doc) == doc
    assert fastcanon.stats.templates_built - built == 12
    fastcanon.clear_templates()
