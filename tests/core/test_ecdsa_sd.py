"""ecdsa-sd-2023 (VC-DI-ECDSA §3.5, §3.6) against the W3C test vectors, plus round trips:
base proofs with mandatory pointers, derived credentials, verification, tampering."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from credex.core import multiformats as mf
from credex.core.ecdsa_sd import derive, verify_base_proof
from credex.core.ecdsa_sd import primitives as sd
from credex.core.ecdsa_sd.proof_values import parse_base, parse_derived
from credex.core.errors import ProofGenerationError, ProofVerificationError
from credex.core.keys import EcdsaSigner, Ed25519Signer, PublicKey, ecdsa_private_key
from credex.core.proofs import add_proof, verify_proofs
from credex.core.proofs.cryptosuites import proof_configuration

VECTORS = Path(__file__).parent / "vectors" / "vc-di-ecdsa"
SD = VECTORS / "ecdsa-sd-2023"


def load(path: Path) -> Any:
    return json.loads(path.read_text())


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "proof"}


def signer_of(pair: dict[str, str]) -> EcdsaSigner:
    """A P-256 signer from a vector key pair (multikey `secretKeyMultibase`/`privateKey…`)."""
    secret = pair.get("secretKeyMultibase") or pair["privateKeyMultibase"]
    raw = mf.decode_base58btc(secret)
    assert raw[:2] == bytes([0x86, 0x26])  # multicodec p256-priv (0x1306)
    signer = EcdsaSigner(ecdsa_private_key("P-256", raw[2:]))
    assert signer.public_key_multibase == pair["publicKeyMultibase"]
    return signer


BASE = load(SD / "employ" / "addSignedSDBase.json")
SELECTIVE = load(VECTORS / "employSelective.json")
MANDATORY = load(VECTORS / "employMandatory.json")


def test_the_w3c_base_proof_canonicalizes_hashes_and_verifies_byte_exact() -> None:
    base = parse_base(BASE["proof"]["proofValue"])
    assert base.mandatory_pointers == MANDATORY
    key_material = load(SD / "SDKeyMaterial.json")
    assert base.hmac_key.hex() == key_material["hmacKeyString"].lower()
    assert (
        mf.encode_base58btc(base.public_key) == key_material["proofKeyPair"]["publicKeyMultibase"]
    )
    grouped = sd.canonicalize_and_group(
        unsecured(BASE), sd.hmac_label_map_factory(base.hmac_key), {"mandatory": MANDATORY}
    )
    assert grouped.nquads == load(SD / "employ" / "addBaseDocHMACCanon.json")
    hashes = load(SD / "employ" / "addHashData.json")
    mandatory = "".join(grouped.groups["mandatory"].matching.values())
    assert hashlib.sha256(mandatory.encode()).hexdigest() == hashes["mandatoryHash"]
    config = {k: v for k, v in BASE["proof"].items() if k != "proofValue"}
    canonical = proof_configuration(config, BASE["@context"], error=ProofVerificationError)
    assert hashlib.sha256(canonical.encode()).hexdigest() == hashes["proofHash"]
    issuer_key = PublicKey.from_multikey(key_material["baseKeyPair"]["publicKeyMultibase"])
    assert verify_base_proof(BASE, issuer_key)  # what a holder checks before deriving
    # verifiers refuse base proofs (VC-DI-ECDSA §3.5.8: the derived proof header is required)
    result = verify_proofs(BASE)
    assert not result.verified
    assert "base proof is for its holder" in str(result.errors[0])


def test_deriving_from_the_w3c_base_reproduces_the_disclosure_data_and_verifies() -> None:
    derived = derive(BASE, SELECTIVE)
    assert unsecured(derived) == load(SD / "employ" / "derivedUnsignedReveal.json")
    value = parse_derived(derived["proof"]["proofValue"])
    expected = load(SD / "employ" / "derivedDisclosureData.json")
    assert value.base_signature.hex() == expected["baseSignature"]
    assert mf.encode_base58btc(value.public_key) == expected["publicKey"]
    assert [signature.hex() for signature in value.signatures] == expected["signatures"]
    assert value.label_map == dict(expected["labelMap"]["value"])
    assert value.mandatory_indexes == expected["mandatoryIndexes"]
    result = verify_proofs(derived)
    assert result.verified, result.errors
    assert result.proofs[0].cryptosuite == "ecdsa-sd-2023"


def _tampered(derived: dict[str, Any]) -> list[dict[str, Any]]:
    changed = copy.deepcopy(derived)
    changed["credentialSubject"]["birthCountry"] = "Atlantis"
    added = copy.deepcopy(derived)
    added["credentialSubject"]["givenName"] = "JOHN"  # undisclosed, added back unsigned
    dropped = copy.deepcopy(derived)
    del dropped["validUntil"]
    mandatory_gone = copy.deepcopy(derived)
    mandatory_gone["issuer"]["image"] = "data:,x"
    return [changed, added, dropped, mandatory_gone]


def test_tampered_derived_and_base_credentials_fail() -> None:
    derived = derive(BASE, SELECTIVE)
    for tampered in _tampered(derived):
        assert not verify_proofs(tampered).verified
    base = copy.deepcopy(BASE)
    base["credentialSubject"]["familyName"] = "SMYTHE"
    key = PublicKey.from_multikey(
        load(SD / "SDKeyMaterial.json")["baseKeyPair"]["publicKeyMultibase"]
    )
    assert not verify_base_proof(base, key)
    wrong_value = copy.deepcopy(derived)
    wrong_value["proof"]["proofValue"] = BASE["proof"]["proofValue"]
    assert not verify_proofs(wrong_value).verified


def test_a_new_base_proof_on_the_w3c_input_derives_and_verifies() -> None:
    """The shared W3C inputs: employmentAuth.json, its mandatory and selective pointers."""
    document = load(VECTORS / "employmentAuth.json")
    signer = signer_of(load(VECTORS / "p256KeyPair.json"))
    base = add_proof(document, signer, cryptosuite="ecdsa-sd-2023", mandatory_pointers=MANDATORY)
    assert base["proof"]["proofValue"].startswith("u2V0A")
    assert verify_base_proof(base, signer.public_key)
    assert not verify_proofs(base).verified
    derived = derive(base, SELECTIVE)
    assert set(derived) == {
        "@context",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialSubject",
        "proof",
    }
    assert derived["credentialSubject"] == {
        "type": ["Person", "EmployablePerson"],
        "birthCountry": "Bahamas",
    }
    assert verify_proofs(derived).verified
    for tampered in _tampered(derived):
        assert not verify_proofs(tampered).verified
    everything = derive(base, ["/credentialSubject"])
    assert everything["credentialSubject"] == document["credentialSubject"]
    assert verify_proofs(everything).verified


def test_bad_inputs_are_refused() -> None:
    document = load(VECTORS / "employmentAuth.json")
    with pytest.raises(ProofGenerationError, match="needs a P-256 key"):
        add_proof(document, Ed25519Signer.generate(), cryptosuite="ecdsa-sd-2023")
    signer = EcdsaSigner.generate()
    base = add_proof(document, signer, cryptosuite="ecdsa-sd-2023", mandatory_pointers=MANDATORY)
    with pytest.raises(ProofGenerationError, match="does not match"):
        derive(base, ["/credentialSubject/nickname"])
    with pytest.raises(ProofGenerationError, match="not a JSON pointer"):
        derive(base, ["credentialSubject"])
    with pytest.raises(ProofGenerationError, match="one ecdsa-sd-2023 proof"):
        derive(unsecured(base), SELECTIVE)
    derived = derive(base, SELECTIVE)
    with pytest.raises(ProofGenerationError, match="not an ecdsa-sd-2023 base proof"):
        derive(derived, SELECTIVE)  # a derived credential cannot be derived again
