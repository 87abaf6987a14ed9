"""Lexical checks for OB 3.0 derived types, shared by the models and the JSON Schema check.

Values stay the exact strings the issuer wrote: re-serialising a date such as
`2010-01-01T00:00:00Z` as `+00:00` would change the signed JSON-LD literal.
Types: OB 3.0 §B.3 "Derived Types" (https://www.imsglobal.org/spec/ob/v3p0/#derived-types).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

# XSD dateTimeStamp (VC DM 2.0 §4.9): date, time, optional fraction, REQUIRED offset.
_DATE_TIME_STAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$"
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# RFC 3986 scheme followed by a non-empty remainder without spaces or control characters.
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f]+$")
# The OB schema's BCP 47 subset (language, optional script, optional region).
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,4}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$")
# CompactJws (RFC 7515 §7.1), the pattern used by the OB schema for `endorsementJwt`.
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
# `ext:` extension values for OB enumerations (OB 3.0 §7 "Extending Enumerated Vocabularies").
_EXTENSION_TERM = re.compile(r"^ext:[A-Za-z0-9._-]+$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def is_date_time_stamp(value: str) -> bool:
    """True for an XSD dateTimeStamp (timezone required), as OB's DateTimeZ demands."""
    if not _DATE_TIME_STAMP.match(value):
        return False
    try:
        parsed = parse_date_time(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None


def parse_date_time(value: str) -> datetime:
    """The instant of a DateTimeZ string (checked with `is_date_time_stamp` first)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def is_date(value: str) -> bool:
    """True for an XSD date without timezone (`dateOfBirth`)."""
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_absolute_uri(value: str) -> bool:
    """True for an absolute URI (has a scheme): URLs, DIDs, `urn:uuid:` and data URIs."""
    return bool(_ABSOLUTE_URI.match(value))


def is_language_tag(value: str) -> bool:
    return bool(_LANGUAGE_TAG.match(value))


def is_compact_jws(value: str) -> bool:
    return bool(_COMPACT_JWS.match(value))


def is_extension_term(value: str) -> bool:
    return bool(_EXTENSION_TERM.match(value))


def is_country_code(value: str) -> bool:
    """ISO 3166-1 alpha-2 *shape* (two upper-case letters); the code list itself is not pinned."""
    return bool(_COUNTRY_CODE.match(value))


def format_date_time(value: datetime) -> str:
    """Serialise an aware datetime as DateTimeZ, writing UTC as `Z` like every OB example."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware (OB DateTimeZ)")
    text = value.isoformat()
    if value.utcoffset() == UTC.utcoffset(None):
        text = text.removesuffix("+00:00") + "Z"
    return text
