"""The ecdsa-jcs-2019 cryptosuite, verification only (VC-DI-ECDSA §3.4).

Like ecdsa-rdfc-2019, but the document and the proof configuration are canonicalized with the
JSON Canonicalization Scheme (RFC 8785) instead of RDFC-1.0: no JSON-LD processing. The curve
picks the hash (P-256 → SHA-256, P-384 → SHA-384); hash data is hash(proof configuration) ‖
hash(document). The proof configuration carries the document's `@context` (§3.4.5).
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

from credex.core.errors import ProofVerificationError
from credex.core.keys import PublicKey
from credex.core.proofs import cryptosuites as cs
from credex.core.proofs.ecdsa_rdfc_2019 import HASHES, SIGNATURE_LENGTHS

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "ecdsa-jcs-2019"


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical JSON (UTF-8)."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise ProofVerificationError(f"cannot be canonicalized with JCS: {exc}") from exc


def proof_configuration(proof: dict[str, Any], document: dict[str, Any]) -> bytes:
    """§3.4.5: the proof options without proofValue, with the document's @context."""
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in document:
        if "@context" in config and config["@context"] != document["@context"]:
            raise ProofVerificationError("the proof's @context differs from the document's")
        config["@context"] = document["@context"]
    created = config.get("created")
    if created is not None and not cs.is_datetime_stamp(created):
        raise ProofVerificationError(f"proof created is not a dateTimeStamp: {created!r}")
    return canonical(config)


def hash_data(document: dict[str, Any], proof: dict[str, Any], hash_name: str) -> bytes:
    """§3.4.4 Hashing: hash(canonical proof configuration) ‖ hash(canonical document)."""
    config_hash = hashlib.new(hash_name, proof_configuration(proof, document)).digest()
    return config_hash + hashlib.new(hash_name, canonical(document)).digest()


def verify_document(unsecured: dict[str, Any], proof: dict[str, Any], key: PublicKey) -> bool:
    """§3.4.2 Verify Proof."""
    cs.require_key(key, tuple(HASHES), CRYPTOSUITE)
    signature = cs.decode_proof_value(proof, (SIGNATURE_LENGTHS[key.algorithm],))
    return key.verify(signature, hash_data(unsecured, proof, HASHES[key.algorithm]))


def _not_rdf(transform: cs.Transform, proof: dict[str, Any], context: Any, key: PublicKey) -> bool:
    raise ProofVerificationError(f"{CRYPTOSUITE} proofs are verified on the JSON document")


SUITE = cs.Cryptosuite(PROOF_TYPE, CRYPTOSUITE, _not_rdf, verify_document=verify_document)
