"""RDFC-1.0 canonical N-Quads (credex.core.canon): vectors, pyld identity, escaping, poison."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld as pyld

from credex.core import canon, jsonld
from credex.core.errors import CanonicalizationError

VECTORS = Path(__file__).parent / "vectors"
V2 = "https://www.w3.org/ns/credentials/v2"
CTX = [
    V2,
    {"knows": {"@id": "https://ex.test/knows", "@type": "@id"}, "label": "https://ex.test/label"},
]


def load(path: str) -> Any:
    return json.loads((VECTORS / path).read_text())


def text(path: str) -> str:
    return (VECTORS / path).read_text()


def pyld_normalize(doc: dict[str, Any]) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": jsonld.load_document,
    }
    result: str = pyld.normalize(doc, options)
    return result


def credential(subject: Any) -> dict[str, Any]:
    return {
        "@context": CTX,
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": subject,
    }


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("vc-di-eddsa/unsigned.json", "vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"),
        (
            "vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json",
            "vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt",
        ),
        (
            "vc-di-eddsa/eddsa-rdfc-2022/employ/proofConfigDataInt.json",
            "vc-di-eddsa/eddsa-rdfc-2022/employ/proofCanonDataInt.txt",
        ),
        (
            "vc-di-eddsa/Ed25519Signature2020/proofConfigEdSig.json",
            "vc-di-eddsa/Ed25519Signature2020/proofCanonEdSig.txt",
        ),
        ("ob-v3p0-ldp/obv3p0/unsigned.json", "ob-v3p0-ldp/obv3p0/document-canon.txt"),
    ],
)
def test_canonical_form_matches_the_vectors_byte_for_byte(document: str, expected: str) -> None:
    assert canon.canonicalize(load(document)) == text(expected)


def test_blank_node_labels_match_the_employment_vector() -> None:
    signed = load("vc-di-eddsa/eddsa-rdfc-2022/employ/signedDataInt.json")
    del signed["proof"]
    canonical = canon.canonicalize(signed)
    assert canonical == text("vc-di-eddsa/eddsa-rdfc-2022/employ/canonDocDataInt.txt")
    assert "_:c14n2" in canonical


def test_rdfc_with_sha384_matches_the_p384_vector() -> None:
    signed = load("vc-di-ecdsa/ecdsa-rdfc-2019-p384/employ/signedECDSAP384.json")
    del signed["proof"]
    expected = text("vc-di-ecdsa/ecdsa-rdfc-2019-p384/employ/canonDocECDSAP384.txt")
    assert canon.canonicalize(signed, rdfc_hash="sha384") == expected
    assert canon.canonicalize(signed) != expected  # the labels depend on the hash
    digest = text("vc-di-ecdsa/ecdsa-rdfc-2019-p384/employ/docHashECDSAP384.txt").strip()
    assert canon.canonicalize_hash(signed, "sha384").hex() == digest


def test_canonicalize_hash_is_the_digest_of_the_canonical_form() -> None:
    doc = load("vc-di-eddsa/unsigned.json")
    expected = text("vc-di-eddsa/eddsa-rdfc-2022/docHashDataInt.txt").strip()
    assert canon.canonicalize_hash(doc).hex() == expected
    assert expected == hashlib.sha256(canon.canonicalize(doc).encode()).hexdigest()
    with pytest.raises(CanonicalizationError, match="sha256 or sha384"):
        canon.canonicalize(doc, rdfc_hash="md5")


@pytest.mark.parametrize(
    "document",
    [
        "vc-di-eddsa/unsigned.json",
        "vc-di-ecdsa/unsigned.json",
        "ob-v3p0-ldp/obv3p0/unsigned.json",
        "vc-di-eddsa/proof-set-chain/proofChainTempDoc2.json",
    ],
)
def test_output_is_identical_to_pyld_urdna2015_on_ordinary_documents(document: str) -> None:
    doc = load(document)
    assert canon.canonicalize(doc) == pyld_normalize(doc)


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(st.text(st.characters(exclude_categories=("Cc", "Cs"))), max_size=4),
    score=st.integers(min_value=-(2**40), max_value=2**40),
)
def test_identical_to_pyld_for_generated_printable_subjects(names: list[str], score: int) -> None:
    subject = {"id": "did:example:s", "label": names, "knows": [{"label": n} for n in names]}
    subject["https://ex.test/score"] = score
    doc = credential(subject)
    assert canon.canonicalize(doc) == pyld_normalize(doc)


def test_control_characters_are_escaped_as_canonical_n_triples_require() -> None:
    # RDF 1.2 N-Triples §4 canonical form: ECHAR for \b \t \n \f \r \" \\, UCHAR (upper-case
    # hex) for the other C0 controls and U+007F, every other character as itself.
    value = 'a\u0007b\tc\nd\re"f\\g\u007fh\u0000i\u0008j\u000ck\u000bé😀'
    doc = credential({"id": "did:example:s", "label": value})
    lines = [line for line in canon.canonicalize(doc).splitlines() if "ex.test/label" in line]
    expected = r'"a\u0007b\tc\nd\re\"f\\g\u007Fh\u0000i\bj\fk\u000Bé😀"'
    assert lines == [f"<did:example:s> <https://ex.test/label> {expected} ."]
    assert "\\u0007" not in pyld_normalize(doc)  # pyld's writer gets this wrong


def test_output_is_sorted_lines_each_ending_in_a_newline() -> None:
    canonical = canon.canonicalize(load("ob-v3p0-ldp/obv3p0/unsigned.json"))
    lines = canonical.split("\n")
    assert lines[-1] == ""
    assert lines[:-1] == sorted(lines[:-1])
    assert all(line.endswith(" .") for line in lines[:-1])


def test_language_and_datatype_literals_are_kept() -> None:
    doc = credential({"id": "did:example:s", "label": {"@value": "Bonjour", "@language": "fr"}})
    doc["validFrom"] = "2024-01-01T00:00:00Z"
    canonical = canon.canonicalize(doc)
    assert '"Bonjour"@fr' in canonical
    assert '"2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>' in canonical


# --- dataset poisoning (rdf-canon §6.1) ----------------------------------------------------


def clique(size: int) -> dict[str, Any]:
    nodes = [
        {"id": f"_:n{i}", "knows": [f"_:n{j}" for j in range(size) if j != i]} for i in range(size)
    ]
    return credential(nodes)


def identical_subtrees(parents: int, children: int) -> dict[str, Any]:
    parent = {"label": "p", "knows": [{"label": "c"} for _ in range(children)]}
    return credential({"id": "did:example:s", "knows": [parent] * parents})


def cycle(length: int) -> dict[str, Any]:
    return credential(
        [{"id": f"_:n{i}", "label": "x", "knows": f"_:n{(i + 1) % length}"} for i in range(length)]
    )


@pytest.mark.parametrize(
    "doc",
    [clique(10), clique(30), identical_subtrees(8, 8), identical_subtrees(2, 12), cycle(300)],
    ids=["clique10", "clique30", "identical8x8", "identical2x12", "cycle300"],
)
def test_poison_graphs_are_refused_quickly(doc: dict[str, Any]) -> None:
    started = time.process_time()
    with pytest.raises(CanonicalizationError, match=r"graph too complex|poison-graph guard"):
        canon.canonicalize(doc)
    assert time.process_time() - started < 1.0


def test_small_symmetric_shapes_still_canonicalize() -> None:
    for doc in (clique(4), identical_subtrees(3, 3), cycle(12)):
        assert canon.canonicalize(doc).count("_:c14n") > 0


def test_ordinary_credentials_with_many_blank_nodes_pass_the_guard() -> None:
    distinct = [
        {"label": f"result {i}", "knows": [{"label": f"criterion {i}.{j}"} for j in range(3)]}
        for i in range(30)
    ]
    repeated = [{"label": "same evidence"}] * 4
    doc = credential({"id": "did:example:s", "knows": distinct + repeated})
    started = time.process_time()
    canonical = canon.canonicalize(doc)
    assert time.process_time() - started < 1.0
    assert "_:c14n123" in canonical  # 30 + 90 + 4 blank nodes


def test_guard_estimates_zero_when_every_blank_node_is_distinguishable() -> None:
    quads = [
        ("_:a", "<https://ex.test/p>", '["1", null, null]', ""),
        ("_:b", "<https://ex.test/p>", '["2", null, null]', ""),
    ]
    assert canon.check_canonicalization_cost(quads) == 0
