"""Every W3C vc-di-ecdsa vector file not covered in `test_vectors_di.py`: the key pairs, the
document/proof hashes and base58 signatures of ecdsa-rdfc-2019, ecdsa-jcs-2019 step by step,
and re-signing the unsigned input with the vector keys (ECDSA is randomized: verify instead)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from credex.core import multiformats as mf
from credex.core.keys import EcdsaSigner, ecdsa_private_key
from credex.core.proofs import add_proof, ecdsa_jcs_2019, verify_proofs

VECTORS = Path(__file__).parent / "vectors" / "vc-di-ecdsa"
# multicodec varints of p256-priv (0x1306) and p384-priv (0x1307)
PRIVATE_HEADERS = {"P-256": bytes([0x86, 0x26]), "P-384": bytes([0x87, 0x26])}


def load(path: str) -> Any:
    return json.loads((VECTORS / path).read_text())


def text(path: str) -> str:
    return (VECTORS / path).read_text().strip()


def signer_of(pair_file: str, algorithm: str) -> EcdsaSigner:
    pair = load(pair_file)
    raw = mf.decode_base58btc(pair["secretKeyMultibase"])
    assert raw[:2] == PRIVATE_HEADERS[algorithm]
    signer = EcdsaSigner(ecdsa_private_key(algorithm, raw[2:]))  # type: ignore[arg-type]
    assert signer.public_key_multibase == pair["publicKeyMultibase"]
    return signer


CURVES = [("P-256", "p256", "sha256"), ("P-384", "p384", "sha384")]


@pytest.mark.parametrize(("algorithm", "name", "hash_name"), CURVES)
def test_rdfc_hashes_and_base58_signatures_match(algorithm: str, name: str, hash_name: str) -> None:
    suffix = f"ECDSA{name.upper()}"
    for folder in (f"ecdsa-rdfc-2019-{name}", f"ecdsa-rdfc-2019-{name}/employ"):
        canonical_document = (VECTORS / folder / f"canonDoc{suffix}.txt").read_text()
        canonical_proof = (VECTORS / folder / f"proofCanon{suffix}.txt").read_text()
        assert hashlib.new(hash_name, canonical_document.encode()).hexdigest() == text(
            f"{folder}/docHash{suffix}.txt"
        )
        assert hashlib.new(hash_name, canonical_proof.encode()).hexdigest() == text(
            f"{folder}/proofHash{suffix}.txt"
        )
        signed = load(f"{folder}/signed{suffix}.json")
        assert signed["proof"]["proofValue"] == text(f"{folder}/sigBTC58{suffix}.txt")
        key = signer_of(f"{name}KeyPair.json", algorithm).public_key_multibase
        assert signed["proof"]["verificationMethod"] == f"did:key:{key}#{key}"


@pytest.mark.parametrize(("algorithm", "name", "hash_name"), CURVES)
def test_jcs_vectors_every_step_and_verify(algorithm: str, name: str, hash_name: str) -> None:
    folder, suffix = f"ecdsa-jcs-2019-{name}", f"JCSECDSA{name.upper()}"
    signed = load(f"{folder}/signed{suffix}.json")
    document = {key: value for key, value in signed.items() if key != "proof"}
    assert ecdsa_jcs_2019.canonical(document).decode() == text(f"{folder}/canonDoc{suffix}.txt")
    config = load(f"{folder}/proofConfig{suffix}.json")
    canonical_config = ecdsa_jcs_2019.proof_configuration(config, document)
    assert canonical_config.decode() == text(f"{folder}/proofCanon{suffix}.txt")
    assert hashlib.new(hash_name, canonical_config).hexdigest() == text(
        f"{folder}/proofHash{suffix}.txt"
    )
    assert hashlib.new(hash_name, ecdsa_jcs_2019.canonical(document)).hexdigest() == text(
        f"{folder}/docHash{suffix}.txt"
    )
    hash_data = ecdsa_jcs_2019.hash_data(document, signed["proof"], hash_name)
    assert hash_data.hex() == text(f"{folder}/combinedHash{suffix}.txt")
    assert signed["proof"]["proofValue"] == text(f"{folder}/sigBTC58{suffix}.txt")
    assert mf.decode_base58btc(signed["proof"]["proofValue"]).hex() == text(
        f"{folder}/sigHex{suffix}.txt"
    )
    result = verify_proofs(signed)
    assert result.verified, result.errors
    assert result.proofs[0].cryptosuite == "ecdsa-jcs-2019"
    tampered = copy.deepcopy(signed)
    tampered["name"] = "Forged Credential"
    assert not verify_proofs(tampered).verified


@pytest.mark.parametrize(("algorithm", "name", "hash_name"), CURVES)
def test_signing_the_unsigned_input_with_the_vector_keys_verifies(
    algorithm: str, name: str, hash_name: str
) -> None:
    """credex issues ecdsa-rdfc-2019: the same canonical forms, a fresh signature that verifies."""
    key = signer_of(f"{name}KeyPair.json", algorithm)
    config = load(f"ecdsa-rdfc-2019-{name}/proofConfigECDSA{name.upper()}.json")
    signed = add_proof(
        load("unsigned.json"), key, cryptosuite="ecdsa-rdfc-2019", created=config["created"]
    )
    expected = load(f"ecdsa-rdfc-2019-{name}/signedECDSA{name.upper()}.json")
    assert {k: v for k, v in signed["proof"].items() if k != "proofValue"} == {
        k: v for k, v in expected["proof"].items() if k != "proofValue"
    }
    assert signed["proof"]["proofValue"] != expected["proof"]["proofValue"]  # randomized
    assert verify_proofs(signed).verified
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    assert not verify_proofs(tampered).verified
