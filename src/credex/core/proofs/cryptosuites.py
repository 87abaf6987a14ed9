"""What the RDFC-based cryptosuites share: proof configuration, hashing and proofValue coding.

eddsa-rdfc-2022 (https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022), ecdsa-rdfc-2019
(https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019) and the legacy Ed25519Signature2020 all
canonicalize the proof configuration (the proof without `proofValue`, carrying the document's
`@context`) and the unsecured document with RDFC-1.0, hash each, and sign
`hash(proof configuration) ‖ hash(document)` — proof configuration FIRST.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from credex.core import multiformats as mf
from credex.core.canon import canonicalize
from credex.core.datetimes import parse_datetime_stamp
from credex.core.errors import (
    CoreError,
    DataLossError,
    ProofGenerationError,
    ProofVerificationError,
)
from credex.core.keys import PublicKey

# RDFC hash name -> canonical N-Quads of the unsecured document (computed once per variant)
Transform = Callable[[str], str]
# (transform, proof, document @context, key) -> signature valid?
VerifyFunction = Callable[[Transform, dict[str, Any], Any, PublicKey], bool]
# (unsecured document, proof, key) -> valid? For suites that need the document, not N-Quads.
DocumentVerifyFunction = Callable[[dict[str, Any], dict[str, Any], PublicKey], bool]


@dataclass(frozen=True)
class Cryptosuite:
    """A proof type + cryptosuite name credex can verify, and how (DI §3 "Cryptographic Suites")."""

    proof_type: str
    name: str | None  # the `cryptosuite` value; None for pre-DataIntegrityProof suites
    verify: VerifyFunction
    legacy: bool = False
    verify_document: DocumentVerifyFunction | None = None  # ecdsa-sd-2023
    warning: str | None = None  # what a verified proof of this (legacy) suite reports


def proof_configuration(
    proof_options: dict[str, Any],
    document_context: Any,
    *,
    error: type[CoreError],
    rdfc_hash: str = "sha256",
) -> str:
    """Canonical N-Quads of the proof options, with the document's `@context` (e.g. EDDSA §3.2.5).

    A `@context` already on the proof must be a prefix of the document's (EDDSA §3.2.2 step 2).
    """
    if document_context is None:
        raise error("the document has no @context, so the proof cannot be expressed as RDF")
    config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    own_context = config.pop("@context", None)
    if own_context is not None and not _is_prefix(own_context, document_context):
        raise error("the proof's @context is not a prefix of the document's @context")
    created = config.get("created")
    if created is not None and not is_datetime_stamp(created):
        raise error(f"proof created is not an XML Schema dateTimeStamp: {created!r}")
    config["@context"] = document_context
    try:
        return canonicalize(config, rdfc_hash=rdfc_hash)
    except DataLossError as exc:
        raise DataLossError(f"in the proof: {exc.detail}") from exc


def _is_prefix(prefix: Any, context: Any) -> bool:
    prefix_list = prefix if isinstance(prefix, list) else [prefix]
    context_list = context if isinstance(context, list) else [context]
    return context_list[: len(prefix_list)] == prefix_list


def hash_data(canonical_proof_config: str, canonical_document: str, hash_name: str) -> bytes:
    """`hash(canonical proof configuration) ‖ hash(canonical document)` (e.g. EDDSA §3.2.4)."""
    proof_hash = hashlib.new(hash_name, canonical_proof_config.encode("utf-8")).digest()
    document_hash = hashlib.new(hash_name, canonical_document.encode("utf-8")).digest()
    return proof_hash + document_hash


def encode_proof_value(signature: bytes) -> str:
    """Multibase base58btc (`z…`) of the raw signature bytes."""
    return mf.encode_base58btc(signature)


def decode_proof_value(proof: dict[str, Any], lengths: tuple[int, ...]) -> bytes:
    """The raw signature of a `z…` proofValue, checking its length for the algorithm."""
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith(mf.BASE58BTC):
        raise ProofVerificationError("proofValue must be a multibase base58btc ('z…') string")
    try:
        signature = mf.decode_base58btc(value)
    except mf.MultiformatError as exc:
        raise ProofVerificationError(f"proofValue is not valid base58btc: {exc.detail}") from exc
    if len(signature) not in lengths:
        expected = " or ".join(map(str, lengths))
        raise ProofVerificationError(
            f"proofValue decodes to {len(signature)} bytes, expected {expected}"
        )
    return signature


def require_key(public_key: PublicKey, algorithms: tuple[str, ...], suite: str) -> None:
    if public_key.algorithm not in algorithms:
        raise ProofVerificationError(
            f"{suite} needs a {' or '.join(algorithms)} key, not {public_key.algorithm}"
        )


def is_datetime_stamp(value: Any) -> bool:
    """XMLSCHEMA11-2 dateTimeStamp (a dateTime with a time zone), as DI requires for dates."""
    if not isinstance(value, str):
        return False
    try:
        parse_datetime_stamp(value)
    except ValueError:
        return False
    return True


def check_generation_options(options: dict[str, Any], proof_type: str, cryptosuite: str) -> None:
    if options.get("type") != proof_type or options.get("cryptosuite") != cryptosuite:
        raise ProofGenerationError(f"proof options must be {proof_type} with {cryptosuite}")
    for name in ("created", "expires"):
        if name in options and not is_datetime_stamp(options[name]):
            raise ProofGenerationError(f"proof {name} is not an XML Schema dateTimeStamp")
