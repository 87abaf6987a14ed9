"""Field types for learner data, shared by the learners API and issuance requests.

E-mail addresses are normalised (trimmed, lower-cased, see `credex.core.credentials.identity`)
as they are read, so the unique key, the search and the identity hash all see one spelling.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from credex.core.credentials.identity import normalize_email
from credex.core.errors import CoreError
from credex.frameworks.fields import canonical_language_tag

# A pragmatic address check: one @, no spaces or specials in the local part, a dotted domain.
_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"\[\]\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)
# DID Core §3.1 syntax: did:<method>:<method-specific-id>, no trailing colon.
_DID = re.compile(
    r"^did:[a-z0-9]+:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}|:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})$"
)


def _email(value: str) -> str:
    try:
        normalized = normalize_email(value)
    except CoreError as exc:
        raise ValueError("not a valid email address") from exc
    if not _EMAIL.match(normalized):
        raise ValueError("not a valid email address")
    return normalized


def _did(value: str) -> str:
    if not _DID.match(value):
        raise ValueError("not a DID (did:<method>:<identifier>, e.g. did:key:z6Mk…)")
    return value


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Email = Annotated[str, _text(320), AfterValidator(_email)]
PersonName = Annotated[str, _text(300)]
Did = Annotated[str, _text(2048), AfterValidator(_did)]
ExternalId = Annotated[str, _text(300)]

# A BCP 47 tag in its canonical case (`fr`, `pt-BR`): the learner's preferred language.
PreferredLanguage = Annotated[str, _text(35), AfterValidator(canonical_language_tag)]
