"""Issuing an SD-JWT (RFC 9901 §4, §5): conceal the chosen claims, sign, serialise.

Which claims are selectively disclosable is given as claims-path pointers, the notation SD-JWT VC
Type Metadata uses for `sd: "always"` (a string selects an object member, an integer an array
element, None every element of an array). Concealment works bottom-up, so a disclosable claim
inside a disclosable claim gets its own Disclosure inside its parent's (recursive disclosures,
§4.2.6). Digests in each `_sd` are sorted, which hides the claims' original order (§4.2.4.1);
`decoys` adds that many decoy digests to each `_sd` (§4.2.5).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from credex.core.jose import sign_compact
from credex.core.keys import Signer
from credex.core.sdjwt.disclosures import DEFAULT_HASH, Disclosure, digest, new_salt

PathElement = str | int | None
ClaimPath = tuple[PathElement, ...]


def path_matches(pattern: Sequence[PathElement], path: Sequence[PathElement]) -> bool:
    """Same length, and each element equal (None in `pattern` matches any array index)."""
    if len(pattern) != len(path):
        return False
    return all(
        want == got or (want is None and isinstance(got, int))
        for want, got in zip(pattern, path, strict=True)
    )


@dataclass(frozen=True)
class IssuedSdJwt:
    jws: str  # the Issuer-signed JWT
    disclosures: tuple[Disclosure, ...]
    payload: dict[str, Any]  # the signed payload, digests in place of concealed claims

    def serialize(self) -> str:
        """`<JWT>~<Disclosure 1>~…~<Disclosure N>~` (§4, no Key Binding: trailing `~`)."""
        return self.jws + "~" + "".join(d.encoded + "~" for d in self.disclosures)


def conceal(
    claims: Mapping[str, Any],
    sd_paths: Collection[Sequence[PathElement]],
    *,
    salts: Callable[[], str] = new_salt,
    decoys: int = 0,
    hash_algorithm: str = DEFAULT_HASH,
) -> tuple[dict[str, Any], list[Disclosure]]:
    """The SD-JWT payload for `claims` and the Disclosures, in document order.

    `salts` is replaceable so tests can reproduce the RFC's examples; production uses the
    CSPRNG. Raises ValueError when a path would conceal a claim named `_sd` or `...`.
    """
    patterns = [tuple(path) for path in sd_paths]
    disclosures: list[Disclosure] = []

    def selected(path: ClaimPath) -> bool:
        return any(path_matches(pattern, path) for pattern in patterns)

    def walk(value: Any, path: ClaimPath) -> Any:
        if isinstance(value, Mapping):
            kept: dict[str, Any] = {}
            digests: list[str] = []
            for name, member in value.items():
                inner = walk(member, (*path, name))
                if selected((*path, name)):
                    disclosure = Disclosure.create(name, inner, salts())
                    disclosures.append(disclosure)
                    digests.append(disclosure.digest(hash_algorithm))
                else:
                    kept[name] = inner
            if digests:
                digests.extend(digest(new_salt(), hash_algorithm) for _ in range(decoys))
                kept["_sd"] = sorted(digests)
            return kept
        if isinstance(value, list):
            elements: list[Any] = []
            for index, element in enumerate(value):
                inner = walk(element, (*path, index))
                if selected((*path, index)):
                    disclosure = Disclosure.create(None, inner, salts())
                    disclosures.append(disclosure)
                    elements.append({"...": disclosure.digest(hash_algorithm)})
                else:
                    elements.append(inner)
            return elements
        return value

    payload = walk(claims, ())
    if disclosures:
        payload["_sd_alg"] = hash_algorithm
    return payload, disclosures


def issue_sd_jwt(
    claims: Mapping[str, Any],
    sd_paths: Collection[Sequence[PathElement]],
    signer: Signer,
    *,
    header: Mapping[str, Any] | None = None,
    salts: Callable[[], str] = new_salt,
    decoys: int = 0,
    hash_algorithm: str = DEFAULT_HASH,
) -> IssuedSdJwt:
    """Conceal, then sign the payload as a Compact JWS with `header` (e.g. `typ`, `kid`)."""
    payload, disclosures = conceal(
        claims, sd_paths, salts=salts, decoys=decoys, hash_algorithm=hash_algorithm
    )
    jws = sign_compact(dict(header or {}), payload, signer)
    return IssuedSdJwt(jws, tuple(disclosures), payload)
