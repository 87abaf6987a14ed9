"""ecdsa-sd-2023 proofValue encodings (VC-DI-ECDSA §3.5.2-§3.5.8).

A proofValue is `u` + base64url (no padding) of a 3-byte header and a CBOR array: the base
proof (header `d9 5d 00`) holds [baseSignature, publicKey, hmacKey, signatures,
mandatoryPointers]; the derived proof (`d9 5d 01`) holds [baseSignature, publicKey, signatures,
compressed label map, mandatoryIndexes]. `publicKey` is the proof-scoped P-256 key as Multikey
bytes (multicodec header + compressed point).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credex.core.ecdsa_sd.primitives import b64url, b64url_decode
from credex.core.errors import CoreError, ProofVerificationError

BASE_HEADER = bytes([0xD9, 0x5D, 0x00])
DERIVED_HEADER = bytes([0xD9, 0x5D, 0x01])


@dataclass(frozen=True)
class BaseProofValue:
    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: list[bytes]
    mandatory_pointers: list[str]


@dataclass(frozen=True)
class DerivedProofValue:
    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]  # `c14nN` → `u…` HMAC label
    mandatory_indexes: list[int]


def serialize_base(value: BaseProofValue) -> str:
    """§3.5.2 serializeBaseProofValue."""
    components = [
        value.base_signature,
        value.public_key,
        value.hmac_key,
        list(value.signatures),
        list(value.mandatory_pointers),
    ]
    import cbor2  # loaded on the rare ecdsa-sd-2023 paths only (light app start-up)

    return "u" + b64url(BASE_HEADER + cbor2.dumps(components))


def _decode(proof_value: Any, header: bytes, error: type[CoreError]) -> list[Any]:
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        raise error("an ecdsa-sd-2023 proofValue is multibase base64url ('u…')")
    try:
        raw = b64url_decode(proof_value[1:])
    except ValueError as exc:
        raise error(f"proofValue is not base64url: {exc}") from exc
    if raw[:3] != header:
        kind = "base" if header == BASE_HEADER else "derived"
        raise error(f"proofValue is not an ecdsa-sd-2023 {kind} proof (header {raw[:3].hex()})")
    import cbor2

    try:
        components = cbor2.loads(raw[3:])
    except (cbor2.CBORDecodeError, ValueError) as exc:
        raise error(f"proofValue is not valid CBOR: {exc}") from exc
    if not isinstance(components, list) or len(components) != 5:
        raise error("an ecdsa-sd-2023 proofValue holds an array of five components")
    return components


def is_base_proof_value(proof_value: Any) -> bool:
    if not isinstance(proof_value, str) or not proof_value.startswith("u"):
        return False
    try:
        return b64url_decode(proof_value[1:5])[:3] == BASE_HEADER
    except ValueError:
        return False


def parse_base(proof_value: Any, error: type[CoreError] = ProofVerificationError) -> BaseProofValue:
    """§3.5.3 parseBaseProofValue."""
    signature, public_key, hmac_key, signatures, pointers = _decode(proof_value, BASE_HEADER, error)
    if not (
        isinstance(signature, bytes)
        and isinstance(public_key, bytes)
        and isinstance(hmac_key, bytes)
        and isinstance(signatures, list)
        and all(isinstance(item, bytes) for item in signatures)
        and isinstance(pointers, list)
        and all(isinstance(item, str) for item in pointers)
    ):
        raise error("malformed ecdsa-sd-2023 base proofValue components")
    return BaseProofValue(signature, public_key, hmac_key, signatures, pointers)


def serialize_derived(value: DerivedProofValue) -> str:
    """§3.5.7 serializeDerivedProofValue, with §3.5.5 compressLabelMap."""
    compressed = {
        int(key.removeprefix("c14n")): b64url_decode(label[1:])
        for key, label in sorted(value.label_map.items(), key=lambda kv: int(kv[0][4:]))
    }
    components = [
        value.base_signature,
        value.public_key,
        list(value.signatures),
        compressed,
        list(value.mandatory_indexes),
    ]
    import cbor2

    return "u" + b64url(DERIVED_HEADER + cbor2.dumps(components))


def parse_derived(proof_value: Any) -> DerivedProofValue:
    """§3.5.8 parseDerivedProofValue, with §3.5.6 decompressLabelMap."""
    error = ProofVerificationError
    signature, public_key, signatures, compressed, indexes = _decode(
        proof_value, DERIVED_HEADER, error
    )
    if not (
        isinstance(signature, bytes)
        and isinstance(public_key, bytes)
        and isinstance(signatures, list)
        and all(isinstance(item, bytes) for item in signatures)
        and isinstance(compressed, dict)
        and all(isinstance(k, int) and isinstance(v, bytes) for k, v in compressed.items())
        and isinstance(indexes, list)
        and all(isinstance(item, int) and not isinstance(item, bool) for item in indexes)
    ):
        raise error("malformed ecdsa-sd-2023 derived proofValue components")
    label_map = {f"c14n{key}": "u" + b64url(value) for key, value in compressed.items()}
    return DerivedProofValue(signature, public_key, signatures, label_map, indexes)
