"""The W3C vc-di-eddsa and Bitstring Status List vector files no other test reads: every
intermediate value of the Ed25519Signature2020 and eddsa-jcs-2022 vectors, the proof set and
chain configurations, the employment credential input, and the BSL spec examples."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from credex.core import multiformats as mf
from credex.core.proofs import add_proof, ed25519_signature_2020, eddsa_jcs_2022, verify_proofs
from credex.core.proofs import cryptosuites as cs
from credex.core.status_list import StatusBits, build_status_list_credential, check_status
from credex.core.vcdm import validate_credential
from tests.core.test_vectors_di import load, signer_from_multikey, text, unsecured

EDSIG = "vc-di-eddsa/Ed25519Signature2020"
JCS = "vc-di-eddsa/eddsa-jcs-2022"
CHAIN = "vc-di-eddsa/proof-set-chain"
BSL = "bitstring-status-list"


def hex_text(path: str) -> str:
    return text(path).strip()


def vector_signer() -> Any:
    return signer_from_multikey(load("vc-di-eddsa/keyPair.json")["privateKeyMultibase"])


def test_ed25519_signature_2020_hashes_and_signature() -> None:
    document = unsecured(f"{EDSIG}/signedEdSig.json")
    config = load(f"{EDSIG}/proofConfigEdSig.json")
    canonical_config = ed25519_signature_2020.proof_configuration(config, config["@context"])
    canonical_document = text(f"{EDSIG}/canonDocEdSig.txt")
    proof_hash = hashlib.sha256(canonical_config.encode()).hexdigest()
    document_hash = hashlib.sha256(canonical_document.encode()).hexdigest()
    assert proof_hash == hex_text(f"{EDSIG}/proofHashEdSig.txt")
    assert document_hash == hex_text(f"{EDSIG}/docHashEdSig.txt")
    combined = cs.hash_data(canonical_config, canonical_document, "sha256")
    assert combined.hex() == hex_text(f"{EDSIG}/combinedHashEdSig.txt")
    signature = vector_signer().sign(combined)  # Ed25519 is deterministic
    assert signature.hex() == hex_text(f"{EDSIG}/sigHexEdSig.txt")
    assert mf.encode_base58btc(signature) == hex_text(f"{EDSIG}/sigBTC58EdSig.txt")
    assert document["@context"]


def test_eddsa_jcs_2022_every_step_and_the_signed_vector() -> None:
    document = unsecured(f"{JCS}/signedJCS.json")
    config = load(f"{JCS}/proofConfigJCS.json")
    canonical_document = eddsa_jcs_2022.transformation(document)
    assert canonical_document == text(f"{JCS}/canonDocJCS.txt").strip()
    canonical_config = eddsa_jcs_2022.proof_configuration(config, document)
    assert canonical_config == text(f"{JCS}/proofCanonJCS.txt").strip()
    assert hashlib.sha256(canonical_document.encode()).hexdigest() == hex_text(
        f"{JCS}/docHashJCS.txt"
    )
    assert hashlib.sha256(canonical_config.encode()).hexdigest() == hex_text(
        f"{JCS}/proofHashJCS.txt"
    )
    combined = cs.hash_data(canonical_config, canonical_document, "sha256")
    assert combined.hex() == hex_text(f"{JCS}/combinedHashJCS.txt")
    signature = vector_signer().sign(combined)
    assert signature.hex() == hex_text(f"{JCS}/sigHexJCS.txt")
    assert mf.encode_base58btc(signature) == hex_text(f"{JCS}/sigBTC58JCS.txt")
    signed = load(f"{JCS}/signedJCS.json")
    result = verify_proofs(signed)
    assert result.verified, result.errors
    assert result.proofs[0].cryptosuite == "eddsa-jcs-2022"
    signed["credentialSubject"]["alumniOf"] = "Forged"
    assert not verify_proofs(signed).verified


def test_the_employment_input_signs_to_the_employ_vector() -> None:
    signed = add_proof(
        load("vc-di-eddsa/employmentAuth.json"), vector_signer(), created="2023-02-24T23:36:38Z"
    )
    assert signed == load("vc-di-eddsa/eddsa-rdfc-2022/employ/signedDataInt.json")


def test_proof_set_and_chain_intermediate_files() -> None:
    proof_set = load(f"{CHAIN}/signedProofSet2.json")["proof"]
    assert proof_set == [
        load(f"{CHAIN}/proofSetConfigSigned1.json"),
        load(f"{CHAIN}/proofSetConfigSigned2.json"),
    ]
    assert load(f"{CHAIN}/signedProofSet1.json")["proof"] == proof_set[0]
    chain = load(f"{CHAIN}/signedProofChain2.json")["proof"]
    assert chain[2] == load(f"{CHAIN}/proofChainConfigSigned1.json")
    assert chain[3] == load(f"{CHAIN}/proofChainConfigSigned2.json")
    # the document the first chained proof secures: the credential and the proofs it names
    temp = load(f"{CHAIN}/proofChainTempDoc1.json")
    assert temp == {**load(f"{CHAIN}/unsigned.json"), "proof": proof_set}


def relaxed_json(path: str) -> Any:
    """The spec's illustrative examples: `//` comments and `...` elisions removed."""
    lines = [line for line in text(path).splitlines() if line.strip() not in ("...", "...,")]
    cleaned = "\n".join(re.sub(r"^\s*//.*$", "", line) for line in lines)
    return json.loads(re.sub(r",(\s*[\]}])", r"\1", cleaned))


def status_list(
    url: str, purposes: str | list[str], set_bits: dict[int, int], size: int = 1
) -> Any:
    bits = StatusBits(max(131_072, max(set_bits, default=0) + 1), size)
    for index, value in set_bits.items():
        bits.set(index, value)
    credential = build_status_list_credential(
        list_id=url,
        issuer="did:example:12345",
        bits=bits,
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
    )
    credential["credentialSubject"]["statusPurpose"] = purposes
    return credential


def test_spec_example_0_a_revocation_and_a_suspension_list() -> None:
    credential = load(f"{BSL}/spec-example-0.json")
    assert validate_credential(credential) == []
    revocation, suspension = credential["credentialStatus"]
    revoked = status_list(revocation["statusListCredential"], "revocation", {94567: 1})
    assert check_status(revocation, revoked).valid is False
    active = status_list(suspension["statusListCredential"], "suspension", {})
    assert check_status(suspension, active).valid is True


def test_spec_example_1_a_two_bit_message_entry() -> None:
    entry = relaxed_json(f"{BSL}/spec-example-1.txt")["credentialStatus"]
    assert entry["statusSize"] == 2
    entry["statusMessage"].append({"status": "0x3", "message": "undefined"})  # elided in the spec
    listed = status_list(entry["statusListCredential"], "message", {492847: 2}, size=2)
    result = check_status(entry, listed)
    assert (result.status, result.message) == (2, "rejected")
    assert entry["statusReference"] == "https://example.org/status-dictionary/"


@pytest.mark.parametrize("name", ["spec-example-5.txt", "spec-example-6.txt"])
def test_spec_examples_5_and_6_entries_on_separate_or_shared_lists(name: str) -> None:
    revocation, suspension = relaxed_json(f"{BSL}/{name}")["credentialStatus"]
    shared = revocation["statusListCredential"] == suspension["statusListCredential"]
    assert shared is (name == "spec-example-6.txt")
    if shared:  # one list serving both purposes (statusPurpose may be a list)
        both = status_list(
            revocation["statusListCredential"], ["revocation", "suspension"], {94567: 1}
        )
        assert check_status(revocation, both).valid is False
        assert check_status(suspension, both).valid is True
    else:
        assert check_status(
            revocation, status_list(revocation["statusListCredential"], "revocation", {})
        ).valid
        listed = status_list(suspension["statusListCredential"], "suspension", {12345: 1})
        assert check_status(suspension, listed).valid is False
