"""XML Schema 1.1 `dateTimeStamp` parsing for `validFrom`, `validUntil` and proof dates.

VC DM 2.0 §4.9 requires `dateTimeStamp` values: a `dateTime` whose time zone offset is
REQUIRED. Python's `datetime.fromisoformat` accepts far more than that (no offset, spaces,
week dates in 3.11+), so the lexical form is checked against the XMLSCHEMA11-2 grammar first.
https://www.w3.org/TR/vc-data-model-2.0/#representing-time
https://www.w3.org/TR/xmlschema11-2/#dateTimeStamp
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

# XMLSCHEMA11-2 dateTimeStamp, as reproduced in VC DM 2.0 §4.9.1.
_DATE_TIME = re.compile(
    r"(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))"
    r"-(?P<month>0[1-9]|1[0-2])"
    r"-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?:(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])"
    r"(?:\.(?P<fraction>[0-9]+))?"
    r"|(?P<end_of_day>24:00:00(?:\.0+)?))"
    r"(?P<offset>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
)


def parse_datetime_stamp(value: str) -> datetime:
    """Parse an XMLSCHEMA11-2 `dateTimeStamp` into an aware `datetime`.

    Fractional seconds are kept to the microsecond (extra digits are truncated) and `24:00:00`
    is the first instant of the next day, as XML Schema defines it. Raises `ValueError` when
    the offset is missing, the text is not a dateTimeStamp, the date does not exist (e.g. Feb 30)
    or the year is outside what Python can represent (1..9999).
    """
    if type(value) is str:
        return _parse_stamp_cached(value)
    return _parse_stamp(value)  # raises the ValueError that explains the type


def _parse_stamp(value: str) -> datetime:
    parts = _match(value)
    if parts["offset"] is None:
        raise ValueError(f"{value!r} has no time zone offset; a dateTimeStamp requires one")
    return _build(value, parts)


# datetimes are immutable, and issuance and proof dates repeat across documents
_parse_stamp_cached = lru_cache(maxsize=1024)(_parse_stamp)


def parse_time_as_utc_if_naive(value: str) -> datetime:
    """Like `parse_datetime_stamp`, but a value without an offset is read as UTC.

    VC DM 2.0 §4.9.1: "Time values that are incorrectly serialized without an offset MUST be
    interpreted as UTC." Used when evaluating a validity window, not when validating structure.
    """
    if type(value) is str:
        return _parse_time_cached(value)
    return _parse_time(value)  # raises the ValueError that explains the type


def _parse_time(value: str) -> datetime:
    return _build(value, _match(value))


_parse_time_cached = lru_cache(maxsize=1024)(_parse_time)


def _match(value: str) -> dict[str, str | None]:
    if not isinstance(value, str):
        raise ValueError(f"a date-time must be a string, not {type(value).__name__}")
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        raise ValueError(f"{value!r} is not an XML Schema dateTime (YYYY-MM-DDThh:mm:ss[.s]±hh:mm)")
    return match.groupdict()


def _build(value: str, parts: dict[str, str | None]) -> datetime:
    tz = _offset(parts["offset"])
    year, month, day = int(str(parts["year"])), int(str(parts["month"])), int(str(parts["day"]))
    try:
        if parts["end_of_day"] is not None:
            return datetime(year, month, day, tzinfo=tz) + timedelta(days=1)
        micro = (parts["fraction"] or "").ljust(6, "0")[:6]
        return datetime(
            year,
            month,
            day,
            int(str(parts["hour"])),
            int(str(parts["minute"])),
            int(str(parts["second"])),
            int(micro),
            tzinfo=tz,
        )
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value!r} is not a representable date-time: {exc}") from exc


def _offset(text: str | None) -> timezone:
    if text is None or text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
