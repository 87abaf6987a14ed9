"""Strict JSON for untrusted input: RFC 8259 in UTF-8, no ambiguity, bounded nesting.

Refused: invalid UTF-8, duplicate member names (RFC 8259 §4 leaves their meaning undefined: two
parsers may disagree on what a signature covers), NaN and Infinity (not JSON), numbers longer
than 100 digits or too large for a double, and nesting deeper than `max_depth` (which would
otherwise end in a RecursionError somewhere later).
"""

from __future__ import annotations

import json
import math
from typing import Any

from credex.core.errors import ParsingError
from credex.core.limits import current as current_limits

ENVELOPE_DEPTH = 8  # request wrappers around a document ({"credential": …}, options)
MAX_NUMBER_DIGITS = 100


class MalformedJson(ParsingError, ValueError):
    """The body is not strict JSON; the message says why, in words a client can act on."""


def loads_strict(body: bytes | str, *, max_depth: int | None = None) -> Any:
    """Parse strict JSON (see the module docstring) or raise MalformedJson.

    `max_depth` defaults to the configured document depth (`credex.core.limits`) plus a margin
    for the envelope a document arrives in.
    """
    if max_depth is None:
        max_depth = current_limits().max_json_depth + ENVELOPE_DEPTH
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedJson(f"the body is not valid UTF-8 (byte {exc.start})") from exc
    else:
        text = body
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_members,
            parse_constant=_no_constant,
            parse_int=_integer,
            parse_float=_float,
        )
    except RecursionError as exc:
        raise MalformedJson(f"the JSON is nested deeper than {max_depth} levels") from exc
    except MalformedJson:
        raise
    except ValueError as exc:
        raise MalformedJson(f"the body is not valid JSON: {exc}") from exc
    _check_depth(value, max_depth)
    return value


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise MalformedJson(f"the JSON object has the member {key!r} twice")
            seen.add(key)
    return members


def _no_constant(name: str) -> Any:
    raise MalformedJson(f"{name} is not a JSON number")


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise MalformedJson(f"a number has more than {MAX_NUMBER_DIGITS} digits")
    return int(digits)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:
        raise MalformedJson(f"a number has more than {MAX_NUMBER_DIGITS} digits")
    value = float(text)
    if not math.isfinite(value):
        raise MalformedJson(f"the number {text[:20]} is too large")
    return value


def _check_depth(value: Any, max_depth: int) -> None:
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > max_depth:
            raise MalformedJson(f"the JSON is nested deeper than {max_depth} levels")
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values() if _container(child))
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item if _container(child))


def _container(value: Any) -> bool:
    return isinstance(value, dict | list)
