"""Adding and verifying Data Integrity proofs (credex.core.proofs), incl. tamper and round trips."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credex.core import multiformats as mf
from credex.core.dids import build_did_web_document, did_web_to_url
from credex.core.errors import DataLossError, ParsingError, ProofGenerationError
from credex.core.keys import Ed25519Signer, KeyAlgorithm
from credex.core.proofs import ProofResult, add_proof, verify_proofs

VECTORS = Path(__file__).parent / "vectors"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
SIGNER = Ed25519Signer.from_seed(bytes(range(32)))
CREATED = "2024-05-01T12:00:00Z"


def load(path: str) -> Any:
    return json.loads((VECTORS / path).read_text())


def credential(**subject: Any) -> dict[str, Any]:
    return {
        "@context": [V2, EXAMPLES],
        "id": "urn:uuid:0c8a4d62-1c1a-4b39-9a8e-2f9e5d6c7b10",
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": SIGNER.controller,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", **subject},
    }


def signed_credential(**options: Any) -> dict[str, Any]:
    return add_proof(credential(skill="teamwork"), SIGNER, created=CREATED, **options)


def failure(result: ProofResult) -> tuple[str, str]:
    assert not result.verified
    assert result.errors
    return result.errors[0].code, result.errors[0].detail


def with_proof(signed: dict[str, Any], **changes: Any) -> dict[str, Any]:
    tampered = copy.deepcopy(signed)
    tampered["proof"].update(changes)
    for name, value in changes.items():
        if value is None:
            del tampered["proof"][name]
    return tampered


# --- add_proof -----------------------------------------------------------------------------


def test_add_proof_returns_a_new_document_and_leaves_the_input_alone() -> None:
    original = credential(skill="teamwork")
    before = copy.deepcopy(original)
    signed = add_proof(original, SIGNER, created=CREATED)
    assert original == before
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED,
        "verificationMethod": SIGNER.verification_method,
        "proofPurpose": "assertionMethod",
        "proofValue": signed["proof"]["proofValue"],
    }
    assert len(mf.decode_base58btc(signed["proof"]["proofValue"])) == 64
    signed["credentialSubject"]["skill"] = "changed"
    assert original["credentialSubject"]["skill"] == "teamwork"


def test_created_is_a_utc_timestamp_with_seconds_precision() -> None:
    local = datetime(2024, 5, 1, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    signed = add_proof(credential(), SIGNER, created=local)
    assert signed["proof"]["created"] == "2024-05-01T12:00:00Z"
    default = add_proof(credential(), SIGNER)["proof"]["created"]
    stamp = datetime.strptime(default, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)


@pytest.mark.parametrize(
    "created", [datetime(2024, 5, 1, 12, 0), "2024-05-01T12:00:00", "yesterday"]
)
def test_naive_or_malformed_created_values_are_refused(created: Any) -> None:
    with pytest.raises(ProofGenerationError):
        add_proof(credential(), SIGNER, created=created)


def test_each_cryptosuite_is_issued_only_with_its_own_key_type() -> None:
    with pytest.raises(ProofGenerationError, match="not ecdsa-jcs-2019"):
        add_proof(credential(), SIGNER, cryptosuite="ecdsa-jcs-2019")
    with pytest.raises(ProofGenerationError, match="needs a P-256 or P-384 key"):
        add_proof(credential(), SIGNER, cryptosuite="ecdsa-rdfc-2019")

    class P256Signer:
        algorithm: KeyAlgorithm = "P-256"
        controller = "did:example:p256"
        verification_method = "did:example:p256#key"

        def sign(self, data: bytes) -> bytes:
            return bytes(64)

    with pytest.raises(ProofGenerationError, match="needs an Ed25519 key"):
        add_proof(credential(), P256Signer())


def test_documents_that_would_lose_data_are_not_signed() -> None:
    with pytest.raises(DataLossError, match="undefinedTerm"):
        add_proof({**credential(), "@context": [V2], "undefinedTerm": 1}, SIGNER)
    with pytest.raises(ProofGenerationError, match="no @context"):
        add_proof({"type": "VerifiableCredential"}, SIGNER)
    with pytest.raises(ParsingError):
        add_proof(["not", "a", "map"], SIGNER)  # type: ignore[arg-type]


def test_a_second_proof_makes_a_proof_set_and_previous_proof_a_chain() -> None:
    first = add_proof(credential(), SIGNER, created=CREATED, proof_id="urn:proof:1")
    other = Ed25519Signer.from_seed(bytes(range(1, 33)))
    both = add_proof(first, other, created=CREATED, proof_id="urn:proof:2")
    assert [p["id"] for p in both["proof"]] == ["urn:proof:1", "urn:proof:2"]
    chained = add_proof(both, SIGNER, created=CREATED, previous_proof="urn:proof:2")
    assert chained["proof"][2]["previousProof"] == "urn:proof:2"
    result = verify_proofs(chained)
    assert result.verified, result.errors
    assert [check.verified for check in result.proofs] == [True, True, True]
    with pytest.raises(ProofGenerationError, match="not in the document"):
        add_proof(both, SIGNER, previous_proof=["urn:proof:1", "urn:proof:9"])


def test_optional_proof_options_are_signed_and_checked() -> None:
    signed = signed_credential(
        expires="2999-01-01T00:00:00Z", domain="verifier.example", challenge="c-1", nonce="n-1"
    )
    for name in ("expires", "domain", "challenge", "nonce"):
        assert name in signed["proof"]
    assert verify_proofs(signed, domain="verifier.example", challenge="c-1").verified
    assert not verify_proofs(with_proof(signed, nonce="n-2")).verified


# --- verify_proofs: DI §4.4 checks --------------------------------------------------------


def test_a_fresh_proof_verifies_and_reports_its_method() -> None:
    result = verify_proofs(signed_credential())
    assert result.verified
    assert result.errors == []
    (check,) = result.proofs
    assert check.type == "DataIntegrityProof"
    assert check.cryptosuite == "eddsa-rdfc-2022"
    assert check.verification_method == SIGNER.verification_method
    assert check.controller == SIGNER.controller
    assert check.created == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("missing", ["type", "verificationMethod", "proofPurpose"])
def test_missing_required_proof_members_fail(missing: str) -> None:
    code, detail = failure(verify_proofs(with_proof(signed_credential(), **{missing: None})))
    assert code == "PROOF_VERIFICATION_ERROR"
    assert missing in detail


def test_unexpected_purpose_fails_and_other_purposes_can_be_expected() -> None:
    code, detail = failure(verify_proofs(signed_credential(), expected_purpose="authentication"))
    assert code == "PROOF_VERIFICATION_ERROR"
    assert "proofPurpose" in detail
    auth = add_proof(credential(), SIGNER, created=CREATED, proof_purpose="authentication")
    assert verify_proofs(auth, expected_purpose="authentication").verified
    assert not verify_proofs(auth).verified


def test_domain_and_challenge_mismatches_have_their_own_codes() -> None:
    signed = signed_credential(domain=["a.example", "b.example"], challenge="abc")
    assert verify_proofs(signed, domain="b.example", challenge="abc").verified
    assert failure(verify_proofs(signed, domain="c.example"))[0] == "INVALID_DOMAIN_ERROR"
    assert failure(verify_proofs(signed, challenge="xyz"))[0] == "INVALID_CHALLENGE_ERROR"
    plain = signed_credential()
    assert failure(verify_proofs(plain, domain="a.example"))[0] == "INVALID_DOMAIN_ERROR"
    assert failure(verify_proofs(plain, challenge="abc"))[0] == "INVALID_CHALLENGE_ERROR"


@pytest.mark.parametrize(
    "changes",
    [{"created": "2024-05-01 12:00:00"}, {"created": "2024-05-01T12:00:00"}, {"expires": "soon"}],
)
def test_malformed_dates_fail(changes: dict[str, str]) -> None:
    code, detail = failure(verify_proofs(with_proof(signed_credential(), **changes)))
    assert code == "PROOF_VERIFICATION_ERROR"
    assert "dateTimeStamp" in detail


def test_an_expired_proof_fails_relative_to_now() -> None:
    signed = signed_credential(expires="2025-01-01T00:00:00Z")
    assert verify_proofs(signed, now=datetime(2024, 12, 31, tzinfo=UTC)).verified
    _, detail = failure(verify_proofs(signed, now=datetime(2025, 1, 2, tzinfo=UTC)))
    assert "expired" in detail


@pytest.mark.parametrize(
    ("proof_value", "reason"),
    [
        ("u" + "A" * 86, "multibase base58btc"),
        ("z0OIl", "base58btc"),
        (mf.encode_base58btc(bytes(63)), "63 bytes"),
        (12345, "multibase"),
    ],
)
def test_badly_encoded_proof_values_fail(proof_value: Any, reason: str) -> None:
    code, detail = failure(verify_proofs(with_proof(signed_credential(), proofValue=proof_value)))
    assert code == "PROOF_VERIFICATION_ERROR"
    assert reason in detail


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"cryptosuite": "eddsa-rdf-2022"}, "typo"),
        # eddsa-2022 is verified (with a warning), but this signature covers the other name
        ({"cryptosuite": "eddsa-2022"}, "signature does not verify"),
        ({"cryptosuite": "bbs-2023"}, "unsupported cryptosuite 'bbs-2023'"),
        ({"cryptosuite": None}, "needs a cryptosuite"),
        ({"type": "SomeProofType", "cryptosuite": None}, "unsupported proof type"),
        ({"type": ["DataIntegrityProof"]}, "no type"),
    ],
)
def test_unknown_proof_types_and_cryptosuites_fail_without_crashing(
    changes: dict[str, Any], reason: str
) -> None:
    code, detail = failure(verify_proofs(with_proof(signed_credential(), **changes)))
    assert code == "PROOF_VERIFICATION_ERROR"
    assert reason in detail


def test_malformed_documents_are_parsing_errors() -> None:
    assert failure(verify_proofs("not a map"))[0] == "PARSING_ERROR"  # type: ignore[arg-type]
    assert failure(verify_proofs({**credential(), "proof": "zabc"}))[0] == "PARSING_ERROR"
    assert failure(verify_proofs({**credential(), "proof": [signed_credential()["proof"], 1]}))[
        0
    ] == ("PARSING_ERROR")
    assert "no proof" in failure(verify_proofs(credential()))[1]


def test_data_added_outside_the_contexts_is_a_data_loss_error() -> None:
    base = {**credential(), "@context": [V2], "type": ["VerifiableCredential"]}
    signed = add_proof(base, SIGNER, created=CREATED)
    assert verify_proofs(signed).verified
    document_loss = copy.deepcopy(signed)
    document_loss["credentialSubject"]["skill"] = "teamwork"
    code, detail = failure(verify_proofs(document_loss))
    assert code == "DATA_LOSS_DETECTION_ERROR"
    assert "$.credentialSubject.skill" in detail
    proof_loss = with_proof(signed, undefinedProofTerm="x")
    code, detail = failure(verify_proofs(proof_loss))
    assert code == "DATA_LOSS_DETECTION_ERROR"
    assert "undefinedProofTerm" in detail


def test_every_proof_of_a_set_must_verify() -> None:
    first = signed_credential()
    second = add_proof(first, Ed25519Signer.from_seed(bytes(range(5, 37))), created=CREATED)
    second["proof"][1]["created"] = "2024-05-01T12:00:01Z"
    result = verify_proofs(second)
    assert not result.verified
    assert [check.verified for check in result.proofs] == [True, False]
    assert len(result.errors) == 1


def test_a_chain_naming_a_missing_proof_fails() -> None:
    chained = add_proof(
        signed_credential(proof_id="urn:proof:1"), SIGNER, previous_proof="urn:proof:1"
    )
    chained["proof"][0]["id"] = "urn:proof:renamed"
    result = verify_proofs(chained)
    assert not result.verified
    assert [check.verified for check in result.proofs] == [False, False]
    assert result.proofs[1].error is not None
    assert "not in the document" in result.proofs[1].error.detail


def test_a_key_not_listed_for_assertion_fails() -> None:
    did = "did:web:issuer.example"
    signer = Ed25519Signer.from_seed(
        bytes(range(32)), controller=did, verification_method=f"{did}#k"
    )
    doc = build_did_web_document(did, [("#k", signer.public_key_multibase)], assertion_ids=[])
    signed = add_proof({**credential(), "issuer": did}, signer, created=CREATED)
    _, detail = failure(verify_proofs(signed, {did_web_to_url(did): doc}))
    assert "not authorized for assertionMethod" in detail
    listed = build_did_web_document(did, [("#k", signer.public_key_multibase)])
    assert verify_proofs(signed, {did_web_to_url(did): listed}).verified
    assert "not available offline" in failure(verify_proofs(signed))[1]


def test_a_key_of_the_wrong_algorithm_fails() -> None:
    p256 = load("vc-di-ecdsa/p256KeyPair.json")["publicKeyMultibase"]
    changed = with_proof(signed_credential(), verificationMethod=f"did:key:{p256}#{p256}")
    _, detail = failure(verify_proofs(changed))
    assert "needs a Ed25519 key" in detail


# --- tampering -----------------------------------------------------------------------------


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))
    else:
        yield path


def tampered(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    value = parent[path[-1]]
    parent[path[-1]] = value + "x" if isinstance(value, str) else f"{value}x"
    return changed


OB_EXPECTED = load("ob-v3p0-ldp/expected.json")
OB_DOCUMENTS = {
    OB_EXPECTED["controller"]: {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": OB_EXPECTED["controller"],
        "verificationMethod": [
            {
                "id": OB_EXPECTED["verificationMethod"],
                "type": "Multikey",
                "controller": OB_EXPECTED["controller"],
                "publicKeyMultibase": OB_EXPECTED["publicKeyMultibase"],
            }
        ],
        "assertionMethod": [OB_EXPECTED["verificationMethod"]],
    }
}
SIGNED_VECTORS = {
    "w3c-alumni": (load("vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"), None),
    "ob-impl-guide": (load("ob-v3p0-ldp/obv3p0/signed.json"), OB_DOCUMENTS),
}


@pytest.mark.parametrize("name", SIGNED_VECTORS)
def test_changing_any_single_leaf_of_a_signed_vector_fails(name: str) -> None:
    signed, documents = SIGNED_VECTORS[name]
    assert verify_proofs(signed, documents).verified
    paths = list(leaves(signed))
    assert len(paths) > 15
    for path in paths:
        result = verify_proofs(tampered(signed, path), documents)
        assert not result.verified, f"changing {path} went unnoticed"
        assert result.errors


@pytest.mark.parametrize("name", SIGNED_VECTORS)
def test_flipping_one_byte_of_the_signature_fails(name: str) -> None:
    signed, documents = SIGNED_VECTORS[name]
    signature = bytearray(mf.decode_base58btc(signed["proof"]["proofValue"]))
    for index in (0, 31, 63):
        flipped = bytearray(signature)
        flipped[index] ^= 0x01
        changed = with_proof(signed, proofValue=mf.encode_base58btc(bytes(flipped)))
        code, detail = failure(verify_proofs(changed, documents))
        assert code == "PROOF_VERIFICATION_ERROR"
        assert "does not verify" in detail


def test_flipping_a_byte_of_an_ecdsa_signature_fails() -> None:
    signed = load("vc-di-ecdsa/ecdsa-rdfc-2019-p256/signedECDSAP256.json")
    signature = bytearray(mf.decode_base58btc(signed["proof"]["proofValue"]))
    signature[10] ^= 0x80
    changed = with_proof(signed, proofValue=mf.encode_base58btc(bytes(signature)))
    assert not verify_proofs(changed).verified


# --- round trips ---------------------------------------------------------------------------

JSON_SCALARS = (
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
)
CLAIMS = st.dictionaries(
    st.from_regex(r"x[A-Za-z0-9]{0,8}", fullmatch=True),
    JSON_SCALARS | st.lists(JSON_SCALARS, max_size=3),
    min_size=1,
    max_size=4,
)


def string_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, str):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from string_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from string_paths(value, (*path, index))


@settings(max_examples=30, deadline=None)
@given(claims=CLAIMS, data=st.data())
def test_random_credentials_round_trip_and_any_string_change_is_detected(
    claims: dict[str, Any], data: st.DataObject
) -> None:
    document = credential(**claims)
    signed = add_proof(document, SIGNER, created=CREATED)
    assert verify_proofs(signed).verified
    candidates = [("credentialSubject", *p) for p in string_paths(signed["credentialSubject"])]
    path = data.draw(st.sampled_from(candidates))
    assert not verify_proofs(tampered(signed, path)).verified
