"""The ELM v3 builder against the official EDC SHACL shapes, and JAdES seals (EC sample too)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from credex.core import Ed25519Signer, verify_credential
from credex.core.elm import jades
from credex.core.elm.facts import ElmFacts
from credex.core.errors import ProofVerificationError
from credex.core.proofs import add_proof
from tests.core import elm_factories as make
from tests.elm_shacl import shacl_violations

SIGNER = Ed25519Signer.from_seed(bytes(range(32)))
SIGNED_SAMPLE = Path(__file__).parent / "vectors" / "elm" / "Sample-MC-Annex1-signed.jsonld"
UNSIGNED_SAMPLE = Path(__file__).parent / "vectors" / "elm" / "Sample-MC-Annex1-unsigned.jsonld"
KINDS: dict[str, Callable[[str], ElmFacts]] = {
    "plain": make.facts,
    "graded": make.graded,
    "with evidence": make.with_evidence,
    "stacked": make.stacked,
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_conforms_to_the_edc_shapes(kind: str) -> None:
    count, report = shacl_violations(make.build(KINDS[kind](SIGNER.controller)))
    assert count == 0, report


def test_the_shapes_do_find_violations() -> None:
    """The check can fail: a claim without a title, an evidence without its type."""
    credential = make.build(make.with_evidence(SIGNER.controller))
    del credential["credentialSubject"]["hasClaim"][0]["title"]
    del credential["evidence"][0]["dcType"]
    count, report = shacl_violations(credential)
    assert count == 3, report  # the evidence type is both missing and not from its scheme
    assert "LearningAchievement-dc_title" in report
    assert "<https://evidence.example/1>->dc1:type" in report


def test_the_official_unsigned_sample_is_read_by_the_same_pipeline() -> None:
    """The EC's own micro-credential sample goes through the same offline JSON-LD → SHACL path,
    and lacks exactly what sealing adds (`issued`) and the issuer's eIDAS legal identifier
    (it has a `registration`): what credex's credentials carry."""
    sample = json.loads(UNSIGNED_SAMPLE.read_text())
    count, report = shacl_violations(sample)
    assert count == 3, report
    assert "->cred:issued" in report
    assert "->elm:eidasLegalIdentifier" in report


def test_texts_are_language_maps_in_every_language_and_annex_i_is_there() -> None:
    credential = make.build(make.graded(SIGNER.controller))
    claim = credential["credentialSubject"]["hasClaim"][0]
    spec = claim["specifiedBy"]
    assert claim["title"] == {"en": "Audience development", "fr": "Audience development (fr)"}
    assert spec["learningOutcome"][0]["title"]["fr"] == "Segmenter un public"
    assert spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/5"
    assert spec["creditPoint"][0]["point"] == "2.5"
    assert spec["volumeOfLearning"] == "PT62H30M"
    assert spec["mode"][0]["prefLabel"] == {"en": "Blended"}
    assert [lang["id"][-3:] for lang in credential["displayParameter"]["language"]] == [
        "ENG",
        "FRA",
    ]
    assert claim["provenBy"][0]["grade"]["noteLiteral"] == {"en": "Merit", "fr": "Merit"}
    assert credential["issuer"]["location"][0]["address"][0]["countryCode"]["id"].endswith("ITA")
    assert credential["credentialSubject"]["id"] == "urn:epass:person:1"
    assert claim["id"] == "urn:epass:learningAchievement:1"


def test_a_signed_elm_credential_verifies_and_tampering_fails() -> None:
    signed = add_proof(make.build(make.facts(SIGNER.controller)), SIGNER)
    report = verify_credential(signed)
    outcomes = {check.id: check.outcome for check in report.checks}
    assert report.verified, outcomes
    assert outcomes["proof"] == outcomes["key_binding"] == "passed"
    signed["credentialSubject"]["hasClaim"][0]["specifiedBy"]["eqfLevel"]["id"] = (
        "http://data.europa.eu/snb/eqf/7"
    )
    tampered = verify_credential(signed)
    assert not tampered.verified
    assert {c.id: c.outcome for c in tampered.checks}["proof"] == "failed"


def test_the_official_jades_signed_sample_verifies() -> None:
    sample: dict[str, Any] = json.loads(SIGNED_SAMPLE.read_text())
    result = jades.verify(sample)
    assert result.payload["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert result.signing_time == "2023-09-27T11:54:17Z"
    sample["payload"] = sample["payload"].replace("Digital", "Dig1tal", 1)
    with pytest.raises(ProofVerificationError):
        jades.verify(sample)
