"""Frozen document loader, expansion and data-loss detection (credex.core.jsonld)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld

from credex.core import jsonld
from credex.core.errors import ContextError, DataLossError

VECTORS = Path(__file__).parent / "vectors"
VCDM_INPUTS = VECTORS / "vc-data-model-2.0-test-suite-inputs"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def credential(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:subject"},
    }
    doc.update(extra)
    return doc


def with_term(context: dict[str, Any], **subject: Any) -> dict[str, Any]:
    return credential(credentialSubject={"@context": context, "id": "did:ex:s", **subject})


def loss_detail(doc: dict[str, Any]) -> str:
    with pytest.raises(DataLossError) as caught:
        jsonld.detect_data_loss(doc)
    assert caught.value.code == "DATA_LOSS_DETECTION_ERROR"
    return caught.value.detail


# --- the frozen loader ---------------------------------------------------------------------


def test_every_registered_context_file_loads_as_a_static_remote_document() -> None:
    for url in jsonld.CONTEXT_FILES:
        remote = jsonld.load_document(url)
        assert remote["documentUrl"] == url
        assert remote["contextUrl"] is None
        assert remote["tag"] == "static"
        assert "@context" in remote["document"]


def test_index_md_choices_are_the_files_served() -> None:
    assert jsonld.CONTEXT_FILES[OB] == "ob-v3p0-context-3.0.3.json"
    ob_301 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
    assert jsonld.CONTEXT_FILES[ob_301] == "ob-v3p0-context-3.0.1.json"
    extensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
    assert jsonld.CONTEXT_FILES[extensions] == "ob-v3p0-extensions.json"
    elm = "http://data.europa.eu/snb/model/context/edc-ap"
    assert jsonld.CONTEXT_FILES[elm] == "elm-edc-ap-context.EDC-3.2-LTS.jsonld"
    # the pinned 3.0.3 revision has the in-place additions (jti, endorsementJwt)
    assert "endorsementJwt" in json.dumps(jsonld.load_document(OB)["document"])


def test_loaded_documents_are_copies_so_callers_cannot_corrupt_the_registry() -> None:
    first = jsonld.load_document(V2)
    first["document"]["@context"]["VerifiableCredential"] = "https://evil.example/vc"
    assert "evil" not in json.dumps(jsonld.load_document(V2)["document"])


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/context.json",
        "https://www.w3.org/ns/credentials/v2/",  # exact match only
        "http://www.w3.org/ns/credentials/v2",
    ],
)
def test_unknown_context_urls_are_refused_by_name(url: str) -> None:
    with pytest.raises(ContextError, match="context not known to credex") as caught:
        jsonld.load_document(url)
    assert url in caught.value.detail
    with pytest.raises(ContextError, match="context not known to credex"):
        jsonld.expand({"@context": [V2, url], "type": "VerifiableCredential"})


def test_register_context_serves_it_and_refuses_conflicting_content() -> None:
    url = "https://credex.test/contexts/register-test/v1"
    document = {"@context": {"widget": "https://credex.test/vocab#widget"}}
    jsonld.register_context(url, document)
    jsonld.register_context(url, json.loads(json.dumps(document)))  # same content: no-op
    assert jsonld.load_document(url)["document"] == document
    with pytest.raises(ContextError, match="already registered"):
        jsonld.register_context(url, {"@context": {"widget": "https://other.test/w"}})
    with pytest.raises(ContextError, match="already registered"):
        jsonld.register_context(V2, {"@context": {}})
    doc = credential(credentialSubject={"id": "did:ex:s", "widget": "w"})
    doc["@context"] = [V2, url]
    jsonld.detect_data_loss(doc)


def test_processing_ignores_pyld_global_loader_state() -> None:
    def refuse(url: str, options: Any = None) -> Any:
        raise AssertionError(f"global loader used for {url}")

    previous = pyld.get_document_loader()
    pyld.set_document_loader(refuse)
    try:
        expanded = jsonld.expand(credential())
    finally:
        pyld.set_document_loader(previous)
    assert expanded[0]["@type"] == ["https://www.w3.org/2018/credentials#VerifiableCredential"]


def test_to_rdf_returns_pyld_quads_with_directions_as_i18n_datatypes() -> None:
    doc = credential(name={"@value": "شهادة", "@language": "ar", "@direction": "rtl"})
    triples = jsonld.to_rdf(doc)["@default"]
    names = [t["object"] for t in triples if t["predicate"]["value"] == "https://schema.org/name"]
    assert names == [
        {"type": "literal", "value": "شهادة", "datatype": "https://www.w3.org/ns/i18n#ar_rtl"}
    ]


# --- data-loss detection -------------------------------------------------------------------


def test_a_well_defined_credential_has_no_data_loss() -> None:
    jsonld.detect_data_loss(json.loads((VECTORS / "ob-v3p0-ldp/obv3p0/unsigned.json").read_text()))


@pytest.mark.parametrize(
    ("doc", "path"),
    [
        (credential(undefinedTerm="x"), "$.undefinedTerm"),
        (
            credential(credentialSubject={"id": "did:ex:s", "foo": {"bar": 1}}),
            "$.credentialSubject.foo",
        ),
        (
            credential(credentialSubject=[{"id": "did:ex:1"}, {"zzz": [1]}]),
            "$.credentialSubject[1].zzz",
        ),
        (credential(type=["VerifiableCredential", "UndefinedType"]), "$.type[1]"),
        (credential(**{"@foo": "x"}), "$.@foo"),
        (credential(id="not-an-iri"), "$.id"),
        (credential(issuer={"id": "relative/issuer"}), "$.issuer.id"),
        (with_term({"foo": None}, foo="dropped"), "$.credentialSubject.foo"),
        (
            with_term({"meta": "@nest", "foo": "https://ex.test/foo"}, meta={"foo": 1, "bar": 2}),
            "$.credentialSubject.meta.bar",
        ),
        (
            with_term(
                {"foo": {"@id": "https://ex.test/foo", "@container": "@index"}}, foo={"k": "v"}
            ),
            "$.credentialSubject.foo.k",
        ),
    ],
)
def test_undefined_or_dropped_data_is_reported_with_its_json_path(
    doc: dict[str, Any], path: str
) -> None:
    assert loss_detail(doc).startswith(f"JSON-LD processing would drop data: {path}:")


def test_the_type_message_names_the_undefined_type() -> None:
    detail = loss_detail(credential(type=["VerifiableCredential", "UndefinedType"]))
    assert "type 'UndefinedType' is not defined" in detail


def test_undefined_terms_inside_lists_and_embedded_contexts_are_found() -> None:
    listed = with_term(
        {"foo": {"@id": "https://ex.test/foo", "@container": "@list"}}, foo=[1, {"bar": 2}]
    )
    assert "$.credentialSubject.foo[1].bar" in loss_detail(listed)
    scoped = with_term({"foo": "https://ex.test/foo"}, foo={"nested": {"deeper": 1}})
    assert "$.credentialSubject.foo.nested" in loss_detail(scoped)


def test_several_losses_are_all_named() -> None:
    detail = loss_detail(credential(alpha=1, beta=2, credentialSubject={"gamma": 3}))
    for path in ("$.alpha", "$.beta", "$.credentialSubject.gamma"):
        assert path in detail


def test_blank_node_properties_and_values_floating_in_graphs_are_losses() -> None:
    assert "blank node" in loss_detail(with_term({"foo": "_:foo"}, foo=1))
    presentation = {"@context": [V2], "type": "VerifiablePresentation"}
    assert "makes no statement" in loss_detail({**presentation, "verifiableCredential": ["jwt"]})


def test_a_document_that_expands_to_nothing_is_a_loss() -> None:
    assert "expands to nothing" in loss_detail({"@context": [V2], "id": "urn:uuid:1"})


@pytest.mark.parametrize(
    "doc",
    [
        credential(note=None),  # null values are not data
        credential(**{"https://example.test/vocab#absolute": "kept"}),
        credential(name={"@value": "x", "@language": "en", "@direction": "ltr"}),
        with_term(
            {"label": {"@id": "https://ex.test/label", "@container": "@language"}},
            label={"en": "English", "fr": "Français"},
        ),
        with_term(
            {"data": {"@id": "https://ex.test/data", "@type": "@json"}}, data={"a": [1, None]}
        ),
        with_term(
            {"seq": {"@id": "https://ex.test/seq", "@container": "@list"}}, seq=[[1, 2], [3]]
        ),
        with_term({"ex": "https://ex.test/"}, **{"ex:thing": "compact IRI"}),
    ],
)
def test_defined_unusual_values_are_not_losses(doc: dict[str, Any]) -> None:
    jsonld.detect_data_loss(doc)


def test_to_rdf_checks_by_default_and_can_be_told_not_to() -> None:
    doc = credential(undefinedTerm="x")
    with pytest.raises(DataLossError):
        jsonld.to_rdf(doc)
    triples = jsonld.to_rdf(doc, check_data_loss=False)["@default"]
    assert all("undefinedTerm" not in json.dumps(t) for t in triples)


def test_invalid_json_ld_is_a_transformation_error_every_time() -> None:
    redefined = {"@context": [V2, {"VerifiableCredential": "https://ex.test/x"}]}
    for _ in range(2):  # processed contexts are cached, failures are not
        with pytest.raises(jsonld.JsonLdProcessingError, match="protected term") as caught:
            jsonld.detect_data_loss({**redefined, "type": "VerifiableCredential"})
        assert caught.value.code == "PROOF_TRANSFORMATION_ERROR"


def test_cached_contexts_give_the_same_expansion_as_a_fresh_pyld_run() -> None:
    doc = json.loads((VECTORS / "ob-v3p0-ldp/obv3p0/unsigned.json").read_text())
    fresh = pyld.expand(doc, {"documentLoader": jsonld.load_document})
    assert jsonld.expand(doc) == fresh
    assert jsonld.expand(doc) == fresh


# --- W3C VC DM 2.0 test-suite inputs -------------------------------------------------------


def vcdm_inputs(suffix: str) -> list[Path]:
    return sorted(VCDM_INPUTS.rglob(f"*{suffix}.json"))


@pytest.mark.parametrize("path", vcdm_inputs("-ok"), ids=lambda p: p.name)
def test_vcdm_ok_inputs_have_no_data_loss(path: Path) -> None:
    doc = json.loads(path.read_text())
    doc.pop("proof", None)  # an incoming proof is not what an issuer signs
    jsonld.detect_data_loss(doc)


@pytest.mark.parametrize(
    "name",
    [
        "credential-type-unmapped-fail.json",
        "credential-id-not-url-fail.json",
        "credential-issuer-no-url-fail.json",
        "credential-schema-non-url-id-fail.json",
        "credential-status-nonurl-id-fail.json",
        "names-and-descriptions/credential-name-extra-prop-en-fail.json",
        "names-and-descriptions/issuer-description-extra-prop-en-fail.json",
        "presentation-holder-fail.json",
        "presentation-vc-as-string-fail.json",
        "credential-no-context-fail-or-inject.json",
    ],
)
def test_vcdm_fail_inputs_that_lose_data_are_rejected(name: str) -> None:
    loss_detail(json.loads((VCDM_INPUTS / name).read_text()))


@pytest.mark.parametrize(
    "name",
    [
        "credential-redef-type-fail.json",
        "credential-redef-type2-fail.json",
        "credential-type-mapped-nonurl-fail.json",
        "credential-id-multi-fail.json",
        "credential-context-combo4-fail.json",
    ],
)
def test_vcdm_fail_inputs_that_are_invalid_json_ld_are_rejected(name: str) -> None:
    with pytest.raises(jsonld.JsonLdProcessingError):
        jsonld.detect_data_loss(json.loads((VCDM_INPUTS / name).read_text()))


def test_vcdm_unknown_context_input_is_refused() -> None:
    doc = json.loads((VCDM_INPUTS / "credential-context-combo3-fail.json").read_text())
    with pytest.raises(ContextError):
        jsonld.detect_data_loss(doc)


def test_known_context_urls_lists_shipped_and_registered_contexts() -> None:
    url = "https://credex.test/contexts/known-urls-test/v1"
    assert url not in jsonld.known_context_urls()
    jsonld.register_context(url, {"@context": {}})
    known = jsonld.known_context_urls()
    assert url in known
    assert set(jsonld.CONTEXT_FILES) <= known
