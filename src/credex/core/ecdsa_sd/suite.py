"""The ecdsa-sd-2023 cryptosuite: base proofs, derived proofs, verification (VC-DI-ECDSA §3.5).

The issuer signs a base proof: one proof-scoped P-256 signature per non-mandatory N-Quad and
one issuer signature over the proof configuration, the proof-scoped key and the mandatory
N-Quads. The holder derives a credential disclosing the mandatory parts plus the selected ones;
the verifier checks the issuer signature and one proof-scoped signature per disclosed
non-mandatory statement. Only P-256 issuer keys (SHA-256) are supported.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from credex.core import multiformats as mf
from credex.core.ecdsa_sd import primitives as sd
from credex.core.ecdsa_sd.proof_values import (
    BaseProofValue,
    DerivedProofValue,
    is_base_proof_value,
    parse_base,
    parse_derived,
    serialize_base,
    serialize_derived,
)
from credex.core.errors import CoreError, ProofGenerationError, ProofVerificationError
from credex.core.keys import PublicKey, Signer, ecdsa_multikey, ecdsa_sign
from credex.core.proofs import cryptosuites as cs

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "ecdsa-sd-2023"
SIGNATURE_LENGTH = 64


def _proof_hash(options: dict[str, Any], context: Any, error: type[CoreError]) -> bytes:
    """Proof configuration (§3.6.5 step 1): canonical options with the document's @context,
    SHA-256 hashed."""
    if options.get("type") != PROOF_TYPE or options.get("cryptosuite") != CRYPTOSUITE:
        raise error(f"proof must be {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    canonical = cs.proof_configuration(options, context, error=error)
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def _mandatory_hash(mandatory: Sequence[str]) -> bytes:
    return hashlib.sha256("".join(mandatory).encode("utf-8")).digest()


def _key_bytes(multikey: str) -> bytes:
    return mf.decode_base58btc(multikey)


def create_base_proof(
    unsecured: dict[str, Any],
    options: dict[str, Any],
    signer: Signer,
    mandatory_pointers: Sequence[str] = (),
    *,
    hmac_key: bytes | None = None,
    proof_key: ec.EllipticCurvePrivateKey | None = None,
) -> dict[str, Any]:
    """§3.6.1 Create Base Proof (`hmac_key`/`proof_key` are fixed only by test vectors)."""
    if signer.algorithm != "P-256":
        raise ProofGenerationError(f"{CRYPTOSUITE} needs a P-256 key, not {signer.algorithm}")
    cs.check_generation_options(options, PROOF_TYPE, CRYPTOSUITE)
    pointers = list(mandatory_pointers)
    hmac_key = hmac_key if hmac_key is not None else secrets.token_bytes(32)
    grouped = sd.canonicalize_and_group(
        unsecured, sd.hmac_label_map_factory(hmac_key), {"mandatory": pointers}
    )
    mandatory = grouped.groups["mandatory"]
    proof_hash = _proof_hash(options, unsecured.get("@context"), ProofGenerationError)
    proof_key = proof_key if proof_key is not None else ec.generate_private_key(ec.SECP256R1())
    public_key = _key_bytes(ecdsa_multikey(proof_key.public_key()))
    signatures = [
        ecdsa_sign(proof_key, line.encode("utf-8")) for line in mandatory.non_matching.values()
    ]
    to_sign = proof_hash + public_key + _mandatory_hash(list(mandatory.matching.values()))
    base_signature = signer.sign(to_sign)
    value = BaseProofValue(base_signature, public_key, hmac_key, signatures, pointers)
    return {**options, "proofValue": serialize_base(value)}


def derive(document: dict[str, Any], selective_pointers: Sequence[str]) -> dict[str, Any]:
    """§3.6.2 Add Derived Proof (createDisclosureData, §3.5.3): the disclosed credential.

    `document` carries one ecdsa-sd-2023 base proof; the result keeps the mandatory parts and
    those named by `selective_pointers` (RFC 6901 JSON pointers). Raises ProofGenerationError.
    """
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict) or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofGenerationError(f"derive needs a credential with one {CRYPTOSUITE} proof")
    base = parse_base(proof.get("proofValue"), ProofGenerationError)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    combined = [*base.mandatory_pointers, *selective_pointers]
    grouped = sd.canonicalize_and_group(
        unsecured,
        sd.hmac_label_map_factory(base.hmac_key),
        {
            "mandatory": base.mandatory_pointers,
            "selective": list(selective_pointers),
            "combined": combined,
        },
    )
    groups = grouped.groups
    mandatory_indexes = [
        relative
        for relative, absolute in enumerate(groups["combined"].matching)
        if absolute in groups["mandatory"].matching
    ]
    non_mandatory = [
        index for index in range(len(grouped.nquads)) if index not in groups["mandatory"].matching
    ]
    if len(non_mandatory) != len(base.signatures):
        raise ProofGenerationError("the base proof does not fit this credential")
    signatures = [
        signature
        for index, signature in zip(non_mandatory, base.signatures, strict=True)
        if index in groups["selective"].matching
    ]
    reveal = sd.select_json_ld(combined, unsecured)
    if reveal is None:
        raise ProofGenerationError("nothing to disclose: give selective or mandatory pointers")
    canonical = sd.canonical_ids(groups["combined"].deskolemized)
    label_map = {c14n: grouped.label_map[label] for label, c14n in canonical.items()}
    value = DerivedProofValue(
        base.base_signature, base.public_key, signatures, label_map, mandatory_indexes
    )
    derived_proof = {key: copy.deepcopy(item) for key, item in proof.items() if key != "proofValue"}
    derived_proof["proofValue"] = serialize_derived(value)
    # a proof given as a one-element array stays one (the OB 3.0 JSON Schema requires it)
    as_given = isinstance(document.get("proof"), list)
    return {**reveal, "proof": [derived_proof] if as_given else derived_proof}


def verify_document(unsecured: dict[str, Any], proof: dict[str, Any], key: PublicKey) -> bool:
    """§3.6.7 Verify Derived Proof (createVerifyData, §3.5.9).

    A base proof fails here, as the specification requires of verifiers (its proofValue lacks
    the derived header); its holder checks it with `verify_base_proof`.
    """
    cs.require_key(key, ("P-256",), CRYPTOSUITE)
    proof_hash = _proof_hash(proof, unsecured.get("@context"), ProofVerificationError)
    value = proof.get("proofValue")
    if is_base_proof_value(value):
        raise ProofVerificationError(
            "an ecdsa-sd-2023 base proof is for its holder, not for verifiers: derive a "
            "disclosed credential (VC-API POST /credentials/derive) and verify that"
        )
    derived = parse_derived(value)
    _, nquads = sd.label_replacement_canonicalize(
        sd.deskolemized_dataset(unsecured), sd.given_label_map_factory(derived.label_map)
    )
    indexes = set(derived.mandatory_indexes)
    mandatory = [line for index, line in enumerate(nquads) if index in indexes]
    non_mandatory = [line for index, line in enumerate(nquads) if index not in indexes]
    return _verify_signatures(
        key,
        proof_hash,
        base_signature=derived.base_signature,
        public_key=derived.public_key,
        mandatory=mandatory,
        non_mandatory=non_mandatory,
        signatures=derived.signatures,
    )


def verify_base_proof(document: dict[str, Any], key: PublicKey) -> bool:
    """For the holder: check a base proof with its own HMAC key before deriving from it."""
    proof = document.get("proof")
    proof = proof[0] if isinstance(proof, list) and len(proof) == 1 else proof
    if not isinstance(proof, dict):
        raise ProofVerificationError(f"the credential has no single {CRYPTOSUITE} proof")
    cs.require_key(key, ("P-256",), CRYPTOSUITE)
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    proof_hash = _proof_hash(proof, unsecured.get("@context"), ProofVerificationError)
    base = parse_base(proof.get("proofValue"))
    grouped = sd.canonicalize_and_group(
        unsecured, sd.hmac_label_map_factory(base.hmac_key), {"mandatory": base.mandatory_pointers}
    )
    group = grouped.groups["mandatory"]
    return _verify_signatures(
        key,
        proof_hash,
        base_signature=base.base_signature,
        public_key=base.public_key,
        mandatory=list(group.matching.values()),
        non_mandatory=list(group.non_matching.values()),
        signatures=base.signatures,
    )


def _verify_signatures(
    key: PublicKey,
    proof_hash: bytes,
    *,
    base_signature: bytes,
    public_key: bytes,
    mandatory: list[str],
    non_mandatory: list[str],
    signatures: list[bytes],
) -> bool:
    """§3.6.7 steps 5-8: the issuer's base signature, then one signature per statement."""
    if len(signatures) != len(non_mandatory):
        raise ProofVerificationError(
            f"{len(signatures)} signatures for {len(non_mandatory)} disclosed statements"
        )
    try:
        proof_key = PublicKey.from_multikey(mf.encode_base58btc(public_key))
    except CoreError as exc:
        raise ProofVerificationError(f"invalid proof-scoped key: {exc.detail}") from exc
    if proof_key.algorithm != "P-256":
        raise ProofVerificationError("the proof-scoped key must be a P-256 key")
    if not key.verify(base_signature, proof_hash + public_key + _mandatory_hash(mandatory)):
        return False
    return all(
        proof_key.verify(signature, line.encode("utf-8"))
        for signature, line in zip(signatures, non_mandatory, strict=True)
    )


def verify_proof(
    transform: cs.Transform, proof: dict[str, Any], document_context: Any, key: PublicKey
) -> bool:
    raise ProofVerificationError(f"{CRYPTOSUITE} proofs are verified on the document")


SUITE = cs.Cryptosuite(PROOF_TYPE, CRYPTOSUITE, verify_proof, verify_document=verify_document)
