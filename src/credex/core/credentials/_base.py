"""The base model and annotated field types shared by every OB 3.0 class.

Serialisation follows OB 3.0 §"Serialization" (https://www.imsglobal.org/spec/ob/v3p0/#serialization):
camelCase JSON names, nulls and empty arrays omitted, sets always emitted as arrays (the purl JSON
Schema rejects compacted single values, STANDARDS gotcha G3). Reading is lenient about compaction.

Extension: most classes keep unknown keys (`extra="allow"`) because OB allows extension there.
Every extra key MUST be defined by a context in the credential's `@context`; an undefined term is
silently dropped by JSON-LD and would not be covered by the signature.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

from credex.core.credentials import lexical

T = TypeVar("T")

PARSE_CONTEXT_KEY = "ob_lenient_parse"


def is_lenient(info: ValidationInfo) -> bool:
    """True while `parse_open_badge_credential` reads a foreign credential."""
    return isinstance(info.context, dict) and bool(info.context.get(PARSE_CONTEXT_KEY))


def describe_errors(exc: ValidationError, limit: int = 5) -> str:
    """Short `/json/path: message` list for an error report (first `limit` errors)."""
    parts = []
    for error in exc.errors()[:limit]:
        # JSON names, without pydantic's validator and union tags ("function-after[…]").
        path = [_json_name(str(part)) for part in error["loc"] if "[" not in str(part)]
        parts.append(f"/{'/'.join(path)}: {error['msg']}")
    more = exc.error_count() - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _json_name(name: str) -> str:
    """`valid_from` → `validFrom` when a model was built with Python names."""
    return to_camel(name) if "_" in name else name


def _as_list(value: Any) -> Any:
    """Accept a compacted single value (or null) for a set-valued property."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _single(value: Any) -> Any:
    """Accept `["Image"]` where OB wants the single string `"Image"`."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _datetime_to_text(value: Any) -> Any:
    return lexical.format_date_time(value) if isinstance(value, datetime) else value


def _checked(predicate: Callable[[str], bool], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if not predicate(value):
            raise ValueError(f"{value[:80]!r} is not {what}")
        return value

    return AfterValidator(check)


def open_enum(enum: type[StrEnum]) -> AfterValidator:
    """A value of `enum` or an `ext:` term (OB 3.0 §"Extending Enumerated Vocabularies")."""
    allowed = {member.value for member in enum}

    def check(value: str) -> str:
        text = str(value)
        if text not in allowed and not lexical.is_extension_term(text):
            raise ValueError(f"{text!r} is not in {enum.__name__} (nor an 'ext:' term)")
        return text

    return AfterValidator(check)


def closed_enum(enum: type[StrEnum]) -> AfterValidator:
    allowed = {member.value for member in enum}

    def check(value: str) -> str:
        text = str(value)
        if text not in allowed:
            raise ValueError(f"{text!r} is not in {enum.__name__}")
        return text

    return AfterValidator(check)


DateTimeZ = Annotated[
    str,
    BeforeValidator(_datetime_to_text),
    _checked(lexical.is_date_time_stamp, "a DateTimeZ (date-time with timezone)"),
]
XsdDate = Annotated[str, _checked(lexical.is_date, "a date (YYYY-MM-DD)")]
URI = Annotated[str, _checked(lexical.is_absolute_uri, "an absolute URI")]
LanguageTag = Annotated[str, _checked(lexical.is_language_tag, "a BCP 47 language tag")]
CompactJws = Annotated[str, _checked(lexical.is_compact_jws, "a compact JWS")]
CountryCode = Annotated[str, _checked(lexical.is_country_code, "an ISO 3166-1 alpha-2 code")]
Float = float | int  # numbers stay as written (3 stays 3, 3.0 stays 3.0) when re-emitted
SetOf = Annotated[list[T], BeforeValidator(_as_list)]
TypeSet = Annotated[list[str], BeforeValidator(_as_list), Field(min_length=1)]
SingleType = BeforeValidator(_single)


def types_of(*names: str) -> Callable[[], list[str]]:
    """Default factory for a `type` set, e.g. `types_of("Profile")`."""
    return lambda: list(names)


class OBModel(BaseModel):
    """Base of the OB 3.0 classes: camelCase aliases, OB serialisation rules, type checks."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="allow",
    )

    # Each inner tuple: `type` must contain at least one of these names.
    required_types: ClassVar[tuple[tuple[str, ...], ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _type_given_when_parsing(cls, data: Any, info: ValidationInfo) -> Any:
        """Reading a foreign credential never invents a `type` it did not carry."""
        has_type = "type" in cls.model_fields
        if has_type and is_lenient(info) and isinstance(data, dict) and "type" not in data:
            raise ValueError("'type' is required")
        return data

    @model_validator(mode="after")
    def _type_contains_required(self) -> Self:
        types = getattr(self, "type", None)
        for group in self.required_types:
            if not isinstance(types, list) or not any(name in types for name in group):
                raise ValueError(f"type must contain {' or '.join(map(repr, group))}")
        return self

    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items() if value is not None and value != []}

    def to_json(self) -> dict[str, Any]:
        """The JSON object for this value: OB names, no nulls, no empty arrays."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ClosedOBModel(OBModel):
    """For the classes whose schema sets `additionalProperties: false`."""

    model_config = ConfigDict(extra="forbid")
