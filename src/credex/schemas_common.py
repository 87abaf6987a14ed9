"""Pydantic building blocks shared by the API input schemas (issuers, achievements).

One definition each of a trimmed, bounded string, the http(s) URL check, the OB vocabulary
check and the strict input base, so every resource refuses the same value with the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, StringConstraints

from credex.core.credentials.lexical import is_extension_term


class StrictInput(BaseModel):
    """Request bodies refuse fields they do not know (a typo is a 422, not silently dropped)."""

    model_config = ConfigDict(extra="forbid")


def trimmed_text(max_length: int) -> StringConstraints:
    """Surrounding white space removed, then 1 to `max_length` characters."""
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


def http_url(value: str) -> str:
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in value)
    ):
        raise ValueError("must be an absolute http(s) URL")
    return value


def vocabulary_term(vocabulary: Iterable[Enum], expected: str) -> Callable[[str], str]:
    """A check that a value is one of an OB enumeration or an `ext:` extension term; `expected`
    is the message that says what was expected."""
    allowed = frozenset(item.value for item in vocabulary)

    def check(value: str) -> str:
        if value not in allowed and not is_extension_term(value):
            raise ValueError(expected)
        return value

    return check
