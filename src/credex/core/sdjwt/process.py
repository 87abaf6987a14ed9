"""Rebuilding the disclosed claims from an SD-JWT payload (RFC 9901 §7.1, step 3).

Every embedded digest - in an object's `_sd` array or as an array element `{"...": digest}` -
is looked up among the Disclosures' digests; a match is replaced by the disclosed claim, which
is processed the same way (recursive disclosures). Rejected, as §7.1 requires: a digest seen
twice, a Disclosure no digest references, an object Disclosure found in an array or an array
Disclosure found in `_sd`, a disclosed name that already exists, `_sd` or `...` as a disclosed
name, a malformed `_sd` or `...`. Finally `_sd`, `_sd_alg` and undisclosed array elements go.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credex.core.errors import ProofVerificationError
from credex.core.sdjwt.disclosures import DEFAULT_HASH, Disclosure
from credex.core.sdjwt.issue import ClaimPath


@dataclass(frozen=True)
class Processed:
    claims: dict[str, Any]
    paths: dict[str, ClaimPath]  # encoded Disclosure -> the path of the claim it discloses


def hash_algorithm_of(payload: Mapping[str, Any]) -> str:
    algorithm = payload.get("_sd_alg", DEFAULT_HASH)
    if not isinstance(algorithm, str):
        raise ProofVerificationError("_sd_alg must be a string")
    return algorithm


def process_payload(payload: Mapping[str, Any], disclosures: Sequence[Disclosure]) -> Processed:
    """The claims with every given Disclosure applied; raises ProofVerificationError."""
    algorithm = hash_algorithm_of(payload)
    by_digest: dict[str, Disclosure] = {}
    for disclosure in disclosures:
        by_digest.setdefault(disclosure.digest(algorithm), disclosure)
    seen: set[str] = set()
    paths: dict[str, ClaimPath] = {}

    def claim(found: str, parent: ClaimPath, index: int | None = None) -> Disclosure | None:
        if found in seen:
            raise ProofVerificationError(f"digest {found} appears more than once (§7.1)")
        seen.add(found)
        disclosure = by_digest.get(found)
        if disclosure is not None:
            paths[disclosure.encoded] = (*parent, disclosure.name if index is None else index)
        return disclosure

    def walk(value: Any, path: ClaimPath) -> Any:
        if isinstance(value, Mapping):
            return walk_object(value, path)
        if isinstance(value, list):
            return walk_array(value, path)
        return value

    def walk_object(value: Mapping[str, Any], path: ClaimPath) -> dict[str, Any]:
        result = {
            name: walk(member, (*path, name))
            for name, member in value.items()
            if name != "_sd" and not (name == "_sd_alg" and not path)
        }
        digests = value.get("_sd", [])
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise ProofVerificationError("_sd must be an array of digest strings")
        for found in digests:
            disclosure = claim(found, path)
            if disclosure is None:
                continue  # a decoy, or a claim the holder did not disclose
            if disclosure.name is None:
                raise ProofVerificationError("an array-element Disclosure is referenced in _sd")
            if disclosure.name in result:
                raise ProofVerificationError(f"claim {disclosure.name!r} is disclosed twice")
            result[disclosure.name] = walk(disclosure.value, (*path, disclosure.name))
        return result

    def walk_array(value: list[Any], path: ClaimPath) -> list[Any]:
        result: list[Any] = []
        for index, element in enumerate(value):
            if isinstance(element, Mapping) and "..." in element:
                found = element["..."]
                if len(element) != 1 or not isinstance(found, str):
                    raise ProofVerificationError('an array digest is {"...": "<digest>"} only')
                disclosure = claim(found, path, index)
                if disclosure is None:
                    continue  # not disclosed: the element is left out
                if disclosure.name is not None:
                    raise ProofVerificationError("an object Disclosure is referenced in an array")
                result.append(walk(disclosure.value, (*path, index)))
            else:
                result.append(walk(element, (*path, index)))
        return result

    claims = walk_object(payload, ())
    unreferenced = [d for d in disclosures if d.encoded not in paths]
    if unreferenced or len(by_digest) != len(disclosures):
        raise ProofVerificationError("a Disclosure is not referenced by the SD-JWT (§7.1)")
    return Processed(claims, paths)
