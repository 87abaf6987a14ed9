"""Turn whatever a verifier was given into a credential to check.

Accepted: a credential as a dict or JSON text, a VC-JWT (Compact JWS), an
`EnvelopedVerifiableCredential` carrying a VC-JWT, PNG/SVG images baked per OB 3.0, and a
JAdES-sealed credential (JWS JSON serialization, as Europass seals ELM credentials).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from credex.core.baking import sniff_image_format, unbake
from credex.core.elm import jades
from credex.core.errors import ParsingError, ProofVerificationError
from credex.core.jwt import looks_like_jws
from credex.core.strict_json import loads_strict
from credex.core.verification.report import Container

MAX_INPUT_BYTES = 10 * 1024 * 1024
# VC DM 2.0 §4.13.1: a data: URL carrying a JOSE-secured credential, media type parameters allowed.
_ENVELOPE = re.compile(r"^data:application/(?:vc\+jwt|vc-ld\+jwt|jwt)(?:;[^,]*)?,(.+)$", re.DOTALL)


@dataclass
class ParsedInput:
    container: Container
    credential: dict[str, Any] | None = None
    jwt: str | None = None
    seal: SealCheck | None = None


@dataclass(frozen=True)
class SealCheck:
    """The outcome of a JAdES seal around the credential (Europass e-sealed ELM)."""

    verified: bool
    detail: str


def parse_input(data: dict[str, Any] | str | bytes) -> ParsedInput:
    """Classify and unwrap the input; raises ParsingError with a reason a person can act on."""
    if isinstance(data, dict):
        return _from_object(data, "json")
    if isinstance(data, bytes):
        if len(data) > MAX_INPUT_BYTES:
            raise ParsingError("input larger than 10 MB")
        image = sniff_image_format(data)
        if image is not None:
            baked = unbake(data)
            if baked.kind.startswith("ob2"):
                raise ParsingError(
                    "the image carries an Open Badges 2.0 assertion; "
                    "credex verifies OB 3.0 / VC credentials"
                )
            if isinstance(baked.value, dict):
                return _from_object(baked.value, image)
            return ParsedInput(container=image, jwt=baked.value.strip())
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParsingError("input is neither an image nor UTF-8 text") from exc
    return _from_text(data)


def _from_text(text: str) -> ParsedInput:
    stripped = text.strip()
    if looks_like_jws(stripped):
        return ParsedInput(container="text", jwt=stripped)
    try:
        value = loads_strict(stripped)
    except ValueError as exc:
        raise ParsingError("it is neither JSON nor a signed token (VC-JWT or SD-JWT)") from exc
    if isinstance(value, str) and looks_like_jws(value):
        return ParsedInput(container="text", jwt=value)
    if not isinstance(value, dict):
        raise ParsingError("it is JSON, but not a credential (a credential is a JSON object)")
    return _from_object(value, "json")


def _from_object(value: dict[str, Any], container: Container) -> ParsedInput:
    if jades.is_jades(value):
        return _from_seal(value, container)
    types = value.get("type")
    types = types if isinstance(types, list) else [types]
    if "EnvelopedVerifiableCredential" in types:
        envelope_id = value.get("id")
        match = _ENVELOPE.match(envelope_id) if isinstance(envelope_id, str) else None
        if match:
            return ParsedInput(container=container, jwt=unquote(match.group(1)).strip())
        raise ParsingError("an EnvelopedVerifiableCredential needs a data:application/vc+jwt id")
    return ParsedInput(container=container, credential=value)


def _from_seal(value: dict[str, Any], container: Container) -> ParsedInput:
    """A JAdES-sealed credential: check the seal, then the credential inside as usual."""
    try:
        result = jades.verify(value)
    except ProofVerificationError as exc:
        payload = value.get("payload")
        try:
            inner = loads_strict(payload) if isinstance(payload, str) else None
        except ValueError:
            inner = None
        credential = inner if isinstance(inner, dict) else None
        return ParsedInput(container, credential, seal=SealCheck(False, exc.detail))
    subject = result.certificate.subject.rfc4514_string()
    detail = (
        f"JAdES seal verified with the certificate of {subject}, signed {result.signing_time} "
        "(whether the certificate is a qualified one is not checked here)"
    )
    return ParsedInput(container, result.payload, seal=SealCheck(True, detail))
