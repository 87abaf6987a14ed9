"""The SD-JWT serialisation, presentations and Key Binding JWTs (RFC 9901 §4, §4.3, §6).

`<Issuer-signed JWT>~<Disclosure 1>~…~<Disclosure N>~[<KB-JWT>]`: without Key Binding the
string ends in `~`. A holder presents a subset of the Disclosures, always with the Disclosures
of the claims that contain the ones shown (§6), and may bind the presentation to its key with a
KB-JWT whose `sd_hash` covers the presentation up to and including the last `~` (§4.3.1).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from credex.core.errors import ParsingError
from credex.core.jose import b64url_decode, parse_json_object, sign_compact
from credex.core.jwt_sign import numeric_date
from credex.core.keys import Signer
from credex.core.sdjwt.disclosures import Disclosure, digest
from credex.core.sdjwt.issue import PathElement, path_matches
from credex.core.sdjwt.process import hash_algorithm_of, process_payload

KB_JWT_TYPE = "kb+jwt"


@dataclass(frozen=True)
class SdJwt:
    """A parsed SD-JWT or SD-JWT+KB; the parts are kept exactly as received."""

    jws: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None = None

    @classmethod
    def parse(cls, text: str) -> SdJwt:
        if not isinstance(text, str) or "~" not in text:
            raise ParsingError("an SD-JWT is `<JWT>~<Disclosures>~[<KB-JWT>]`")
        parts = text.split("~")
        jws, middle, last = parts[0], parts[1:-1], parts[-1]
        if jws.count(".") != 2 or any(not part for part in middle):
            raise ParsingError("an SD-JWT starts with a Compact JWS and has no empty Disclosure")
        return cls(jws, tuple(middle), last or None)

    def without_key_binding(self) -> str:
        """The string `sd_hash` covers: `<JWT>~<D1>~…~<DN>~` (§4.3.1)."""
        return self.jws + "~" + "".join(d + "~" for d in self.disclosures)

    def serialize(self) -> str:
        return self.without_key_binding() + (self.kb_jwt or "")

    def payload(self) -> dict[str, object]:
        """The Issuer-signed JWT's payload, NOT verified (for holders choosing what to show)."""
        return parse_json_object(b64url_decode(self.jws.split(".")[1]), "the SD-JWT payload")


def sd_hash(presentation: SdJwt, hash_algorithm: str) -> str:
    return digest(presentation.without_key_binding(), hash_algorithm)


def key_binding_jwt(
    presentation: SdJwt,
    holder: Signer,
    *,
    audience: str,
    nonce: str,
    issued_at: datetime,
    hash_algorithm: str,
) -> str:
    """A KB-JWT (§4.3): header `typ: kb+jwt`; claims `iat`, `aud`, `nonce`, `sd_hash`."""
    payload = {
        "iat": numeric_date(issued_at),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": sd_hash(presentation, hash_algorithm),
    }
    return sign_compact({"typ": KB_JWT_TYPE}, payload, holder)


def _prefix(short: Sequence[PathElement], long: Sequence[PathElement]) -> bool:
    return len(short) <= len(long) and path_matches(short, long[: len(short)])


def present(
    sd_jwt: str,
    reveal: Collection[Sequence[PathElement]] | None = None,
    *,
    holder: Signer | None = None,
    audience: str | None = None,
    nonce: str | None = None,
    issued_at: datetime | None = None,
) -> str:
    """A presentation revealing the claims at `reveal` (None: every Disclosure).

    A Disclosure is kept when its claim lies on the way to a revealed path (an enclosing claim)
    or inside one. With `holder`, a KB-JWT for `audience`, `nonce` and `issued_at` is appended.
    """
    parsed = SdJwt.parse(sd_jwt)
    disclosures = [Disclosure.parse(encoded) for encoded in parsed.disclosures]
    payload = parsed.payload()
    if reveal is None:
        kept = list(parsed.disclosures)
    else:
        paths = process_payload(payload, disclosures).paths
        wanted = [tuple(path) for path in reveal]
        kept = [
            d.encoded
            for d in disclosures
            if any(_prefix(paths[d.encoded], w) or _prefix(w, paths[d.encoded]) for w in wanted)
        ]
    presentation = SdJwt(parsed.jws, tuple(kept))
    if holder is None:
        return presentation.serialize()
    if audience is None or nonce is None or issued_at is None:
        raise ValueError("Key Binding needs an audience, a nonce and the time")
    kb = key_binding_jwt(
        presentation,
        holder,
        audience=audience,
        nonce=nonce,
        issued_at=issued_at,
        hash_algorithm=hash_algorithm_of(payload),
    )
    return presentation.serialize() + kb
