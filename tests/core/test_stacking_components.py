"""Component digests (VC DM 2.0 §5.3 `digestMultibase`) and the `components` verification check."""

from __future__ import annotations

import base64
import hashlib
import json
from importlib import resources
from typing import Any

import base58
import pytest

from credex.core import Ed25519Signer, sign_credential, verify_credential
from credex.core.stacking import component_bytes, component_digest, digest_matches
from tests.core.factories import NOW, did_key_signer, ob_credential

COMPONENT_ID = "https://issuer.example/credentials/1"
OTHER_ID = "https://issuer.example/credentials/2"


def test_the_vc_v2_spec_example_digest_matches_our_shipped_context() -> None:
    """VC DM 2.0 Example 26 (sha2-256, base64url-no-pad) over the context file we ship."""
    data = resources.files("credex.core").joinpath("contexts", "credentials-v2.jsonld").read_bytes()
    assert digest_matches("uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA", data) is True
    assert digest_matches("uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA", data + b" ") is False


def test_component_digest_is_a_base64url_sha2_384_multihash_of_the_bytes_as_issued() -> None:
    text = '{"id":"https://issuer.example/credentials/1","name":"Café"}'
    digest = component_digest(text)
    assert digest.startswith("u")
    raw = base64.urlsafe_b64decode(digest[1:] + "=" * (-len(digest[1:]) % 4))
    assert raw[:2] == b"\x20\x30"
    assert raw[2:] == hashlib.sha384(text.encode()).digest()
    # The parsed document hashes the same (credex stores compact, unescaped JSON).
    assert component_digest(json.loads(text)) == digest == component_digest(text.encode())
    assert component_bytes(json.loads(text)) == text.encode()


def test_digest_matching_reads_several_forms_and_says_when_it_cannot() -> None:
    data = b"eyJhbGciOiJFZERTQSJ9.e30.sig"
    sha256 = b"\x12\x20" + hashlib.sha256(data).digest()
    as_base58 = "z" + base58.b58encode(sha256).decode()
    assert digest_matches(as_base58, data) is True
    assert digest_matches([component_digest(data), as_base58], data) is True
    assert digest_matches([component_digest(data), component_digest(b"x")], data) is False
    assert digest_matches("not-a-multibase", data) is None
    assert digest_matches("uAAAA", data) is None  # unknown multihash


@pytest.fixture(scope="module")
def signer() -> Ed25519Signer:
    return did_key_signer()


def credential(signer: Ed25519Signer, credential_id: str, **extra: Any) -> dict[str, Any]:
    return sign_credential(ob_credential(signer.controller, id=credential_id, **extra), signer)


def stacked(signer: Ed25519Signer, components: dict[str, Any]) -> dict[str, Any]:
    related = [
        {"id": cid, "digestMultibase": component_digest(doc)} for cid, doc in components.items()
    ]
    return credential(signer, "https://issuer.example/credentials/99", relatedResource=related)


def components_check(report: Any) -> Any:
    found = report.check("components")
    assert found is not None, [c.id for c in report.checks]
    return found


def test_supplied_components_that_verify_pass(signer: Ed25519Signer) -> None:
    parts = {COMPONENT_ID: credential(signer, COMPONENT_ID), OTHER_ID: credential(signer, OTHER_ID)}
    report = verify_credential(stacked(signer, parts), documents=parts, now=NOW)
    assert report.verified, report.to_dict()
    check = components_check(report)
    assert (check.outcome, check.detail) == ("passed", "all 2 component(s) valid and unchanged")
    assert len(report.nested["components"]) == 2


def test_a_changed_component_fails_and_is_named(signer: Ed25519Signer) -> None:
    parts = {COMPONENT_ID: credential(signer, COMPONENT_ID)}
    document = stacked(signer, parts)
    changed = {COMPONENT_ID: credential(signer, COMPONENT_ID, name="Another name")}
    report = verify_credential(document, documents=changed, now=NOW)
    check = components_check(report)
    assert check.outcome == "failed"
    assert check.required
    assert check.detail == (
        "Component 'Digital storytelling' was changed after the stacked credential was issued"
    )
    assert not report.verified


def test_a_component_with_a_bad_signature_fails_and_is_named(signer: Ed25519Signer) -> None:
    forged = credential(signer, COMPONENT_ID)
    forged["name"] = "Forged"  # signature no longer covers the content
    parts = {COMPONENT_ID: forged}
    report = verify_credential(stacked(signer, parts), documents=parts, now=NOW)
    check = components_check(report)
    assert check.outcome == "failed"
    assert check.detail == "Component 'Digital storytelling' was changed after it was issued"
    assert report.check("proof") is not None
    assert report.check("proof").outcome == "passed"


def test_a_document_with_another_id_is_not_the_component(signer: Ed25519Signer) -> None:
    impostor = credential(signer, OTHER_ID)
    document = credential(
        signer,
        "https://issuer.example/credentials/99",
        relatedResource=[{"id": COMPONENT_ID, "digestMultibase": component_digest(impostor)}],
    )
    report = verify_credential(document, documents={COMPONENT_ID: impostor}, now=NOW)
    assert "a different credential" in components_check(report).detail


def test_components_not_available_leave_a_warning_not_a_failure(signer: Ed25519Signer) -> None:
    parts = {COMPONENT_ID: credential(signer, COMPONENT_ID), OTHER_ID: credential(signer, OTHER_ID)}
    document = stacked(signer, parts)
    report = verify_credential(document, documents={COMPONENT_ID: parts[COMPONENT_ID]}, now=NOW)
    check = components_check(report)
    assert (check.outcome, check.required) == ("error", False)
    assert check.detail == f"1 of 2 component(s) verified; not available to check: {OTHER_ID}"
    assert report.verified
    assert check in report.warnings


def test_lookups_that_raise_count_as_unavailable(signer: Ed25519Signer) -> None:
    class Failing(dict[str, Any]):
        def get(self, key: str, default: Any = None) -> Any:
            if key == COMPONENT_ID:
                raise RuntimeError("network down")
            return super().get(key, default)

    document = stacked(signer, {COMPONENT_ID: credential(signer, COMPONENT_ID)})
    report = verify_credential(document, documents=Failing(), now=NOW)
    assert components_check(report).outcome == "error"


def test_non_credential_resources_are_checked_by_digest_only(signer: Ed25519Signer) -> None:
    image = b"\x89PNG not really"
    url = "https://issuer.example/evidence.png"
    document = credential(
        signer,
        "https://issuer.example/credentials/99",
        relatedResource=[
            {
                "id": url,
                "digestSRI": "sha384-" + base64.b64encode(hashlib.sha384(image).digest()).decode(),
            }
        ],
    )
    assert components_check(verify_credential(document, {url: image}, NOW)).outcome == "passed"
    assert components_check(verify_credential(document, {url: image + b"!"}, NOW)).outcome == (
        "failed"
    )


def test_credentials_without_related_resources_have_no_components_check(
    signer: Ed25519Signer,
) -> None:
    report = verify_credential(credential(signer, COMPONENT_ID), now=NOW)
    assert report.check("components") is None
