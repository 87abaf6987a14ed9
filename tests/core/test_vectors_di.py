"""Published Data Integrity test vectors, step by step (W3C vc-di-eddsa/ecdsa, 1EdTech OB 3.0)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from credex.core import multiformats as mf
from credex.core.canon import canonicalize
from credex.core.keys import Ed25519Signer
from credex.core.proofs import (
    add_proof,
    ecdsa_rdfc_2019,
    ed25519_signature_2020,
    eddsa_rdfc_2022,
    verify_proofs,
)

VECTORS = Path(__file__).parent / "vectors"
EDDSA = "vc-di-eddsa/eddsa-rdfc-2022"


def load(path: str) -> Any:
    return json.loads((VECTORS / path).read_text())


def text(path: str) -> str:
    return (VECTORS / path).read_text()


def hex_of(path: str) -> str:
    return text(path).strip()


def signer_from_multikey(private_multibase: str) -> Ed25519Signer:
    header, seed = mf.decode_multikey(private_multibase)
    assert header == mf.ED25519_PRIV
    return Ed25519Signer.from_seed(seed)


def unsecured(signed_path: str) -> dict[str, Any]:
    document = load(signed_path)
    del document["proof"]
    return document


@pytest.mark.parametrize("folder", [EDDSA, f"{EDDSA}/employ"], ids=["alumni", "employ"])
def test_eddsa_rdfc_2022_every_step_is_byte_exact(folder: str) -> None:
    document = unsecured(f"{folder}/signedDataInt.json")
    config = load(f"{folder}/proofConfigDataInt.json")
    canonical_document = eddsa_rdfc_2022.transformation(document)
    assert canonical_document == text(f"{folder}/canonDocDataInt.txt")
    canonical_config = eddsa_rdfc_2022.proof_configuration(config, document["@context"])
    assert canonical_config == text(f"{folder}/proofCanonDataInt.txt")
    assert hashlib.sha256(canonical_document.encode()).hexdigest() == hex_of(
        f"{folder}/docHashDataInt.txt"
    )
    assert hashlib.sha256(canonical_config.encode()).hexdigest() == hex_of(
        f"{folder}/proofHashDataInt.txt"
    )
    hash_data = eddsa_rdfc_2022.hashing(canonical_document, canonical_config)
    assert hash_data.hex() == hex_of(f"{folder}/combinedHashDataInt.txt")
    signer = signer_from_multikey(load("vc-di-eddsa/keyPair.json")["privateKeyMultibase"])
    signature = eddsa_rdfc_2022.serialization(hash_data, signer)
    assert signature.hex() == hex_of(f"{folder}/sigHexDataInt.txt")
    assert mf.encode_base58btc(signature) == hex_of(f"{folder}/sigBTC58DataInt.txt")


@pytest.mark.parametrize("folder", [EDDSA, f"{EDDSA}/employ"], ids=["alumni", "employ"])
def test_add_proof_reproduces_the_signed_vector(folder: str) -> None:
    signer = signer_from_multikey(load("vc-di-eddsa/keyPair.json")["privateKeyMultibase"])
    document = unsecured(f"{folder}/signedDataInt.json")
    signed = add_proof(document, signer, created="2023-02-24T23:36:38Z")
    assert signed == load(f"{folder}/signedDataInt.json")
    assert verify_proofs(signed).verified


def test_the_alumni_signed_document_is_reproduced_to_the_byte() -> None:
    signer = signer_from_multikey(load("vc-di-eddsa/keyPair.json")["privateKeyMultibase"])
    signed = add_proof(load("vc-di-eddsa/unsigned.json"), signer, created="2023-02-24T23:36:38Z")
    assert json.dumps(signed, indent=2) == text(f"{EDDSA}/signedDataInt.json")
    assert signed["proof"]["proofValue"].startswith("z2YwC8z3")


def test_open_badges_impl_guide_vector() -> None:
    expected = load("ob-v3p0-ldp/expected.json")
    document = load("ob-v3p0-ldp/obv3p0/unsigned.json")
    canonical_document = eddsa_rdfc_2022.transformation(document)
    assert canonical_document == text("ob-v3p0-ldp/obv3p0/document-canon.txt")
    canonical_config = eddsa_rdfc_2022.proof_configuration(
        expected["proofConfig"], document["@context"]
    )
    assert canonical_config == text("ob-v3p0-ldp/obv3p0/proof-canon.txt")
    hash_data = eddsa_rdfc_2022.hashing(canonical_document, canonical_config)
    assert hash_data[32:].hex() == expected["documentHashHex"]
    assert hash_data[:32].hex() == expected["proofHashHex"]
    assert hash_data.hex() == expected["dataToSignHex"]
    seed = bytes.fromhex(expected["privateKeyHex"])[:32]
    signer = Ed25519Signer.from_seed(
        seed, controller=expected["controller"], verification_method=expected["verificationMethod"]
    )
    assert signer.public_key_multibase == expected["publicKeyMultibase"]
    signed = add_proof(document, signer, created=expected["proofConfig"]["created"])
    assert signed["proof"]["proofValue"] == expected["proofValue"]
    assert mf.decode_base58btc(expected["proofValue"]).hex() == expected["signatureHex"]
    assert signed == load("ob-v3p0-ldp/obv3p0/signed.json")


@pytest.mark.parametrize(
    ("folder", "suffix", "hash_name"),
    [
        ("vc-di-ecdsa/ecdsa-rdfc-2019-p256", "ECDSAP256", "sha256"),
        ("vc-di-ecdsa/ecdsa-rdfc-2019-p256/employ", "ECDSAP256", "sha256"),
        ("vc-di-ecdsa/ecdsa-rdfc-2019-p384", "ECDSAP384", "sha384"),
        ("vc-di-ecdsa/ecdsa-rdfc-2019-p384/employ", "ECDSAP384", "sha384"),
    ],
)
def test_ecdsa_rdfc_2019_vectors_canonicalize_hash_and_verify(
    folder: str, suffix: str, hash_name: str
) -> None:
    signed = load(f"{folder}/signed{suffix}.json")
    config = load(f"{folder}/proofConfig{suffix}.json")
    context = config["@context"]
    canonical_config = ecdsa_rdfc_2019.proof_configuration(config, context, hash_name)
    assert canonical_config == text(f"{folder}/proofCanon{suffix}.txt")
    document = unsecured(f"{folder}/signed{suffix}.json")
    canonical_document = canonicalize(document, rdfc_hash=hash_name)
    assert canonical_document == text(f"{folder}/canonDoc{suffix}.txt")
    hash_data = ecdsa_rdfc_2019.hashing(canonical_document, canonical_config, hash_name)
    assert hash_data.hex() == hex_of(f"{folder}/combinedHash{suffix}.txt")
    assert mf.decode_base58btc(signed["proof"]["proofValue"]).hex() == hex_of(
        f"{folder}/sigHex{suffix}.txt"
    )
    result = verify_proofs(signed)
    assert result.verified, result.errors
    assert result.proofs[0].cryptosuite == "ecdsa-rdfc-2019"


def test_ed25519_signature_2020_vector_verifies_with_a_warning() -> None:
    folder = "vc-di-eddsa/Ed25519Signature2020"
    signed = load(f"{folder}/signedEdSig.json")
    config = load(f"{folder}/proofConfigEdSig.json")
    canonical_config = ed25519_signature_2020.proof_configuration(config, config["@context"])
    assert canonical_config == text(f"{folder}/proofCanonEdSig.txt")
    canonical_document = eddsa_rdfc_2022.transformation(unsecured(f"{folder}/signedEdSig.json"))
    assert canonical_document == text(f"{folder}/canonDocEdSig.txt")
    result = verify_proofs(signed)
    assert result.verified, result.errors
    assert result.warnings == ["legacy Ed25519Signature2020 proof (VC 1.1 era)"]


def proof_chain_signers() -> list[Ed25519Signer]:
    pairs = load("vc-di-eddsa/proof-set-chain/multiKeyPairs.json")
    return [signer_from_multikey(pairs[f"keyPair{i}"]["privateKeyMultibase"]) for i in range(1, 5)]


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("signedProofSet1", 1),
        ("signedProofSet2", 2),
        ("signedProofChain1", 3),
        ("signedProofChain2", 4),
    ],
)
def test_proof_set_and_chain_vectors_verify(name: str, count: int) -> None:
    result = verify_proofs(load(f"vc-di-eddsa/proof-set-chain/{name}.json"))
    assert result.verified, result.errors
    assert len(result.proofs) == count
    assert all(check.verified for check in result.proofs)


def test_proof_set_and_chain_vectors_are_reproduced_by_add_proof() -> None:
    first, second, third, fourth = proof_chain_signers()
    document = load("vc-di-eddsa/proof-set-chain/unsigned.json")
    ids = [load(f"vc-di-eddsa/proof-set-chain/proofSetConfig{i}.json")["id"] for i in (1, 2)]
    signed = add_proof(document, first, created="2023-02-24T23:36:38Z", proof_id=ids[0])
    signed = add_proof(signed, second, created="2023-02-24T23:36:38Z", proof_id=ids[1])
    assert signed == load("vc-di-eddsa/proof-set-chain/signedProofSet2.json")
    chain = load("vc-di-eddsa/proof-set-chain/proofChainConfig1.json")
    signed = add_proof(
        signed, third, created=chain["created"], proof_id=chain["id"], previous_proof=ids
    )
    last = load("vc-di-eddsa/proof-set-chain/proofChainConfig2.json")
    signed = add_proof(
        signed, fourth, created=last["created"], previous_proof=last["previousProof"]
    )
    assert signed == load("vc-di-eddsa/proof-set-chain/signedProofChain2.json")
