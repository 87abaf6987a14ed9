"""Field rules shared by the JSON API, the import formats and the admin forms.

Each rule is a plain function (usable anywhere) wrapped in an `Annotated` pydantic type, so the
API schemas, the import validator and the page forms reject the same values with the same words.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

# RFC 5646 `langtag`: language (with up to three extlangs), script, region, variants,
# extensions, private use; case-insensitive. The primary subtag must be 2–3 letters: the 4–8
# letter forms are well-formed but none is registered, and "english" is a typo, not a language.
_LANGTAG = re.compile(
    r"^[a-z]{2,3}(?:-[a-z]{3}){0,3}"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?$",
    re.IGNORECASE,
)
ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"
_IRI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TITLE_MAX = 500
DESCRIPTION_MAX = 20_000


def _fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def canonical_language_tag(value: str) -> str:
    """Validate a BCP 47 tag and return it in the RFC 5646 §2.1.1 recommended case (pt-BR)."""
    tag = value.strip()
    if not _LANGTAG.match(tag):
        raise _fail("language_tag", f"{value!r} is not a BCP 47 language tag (e.g. en, pt-BR)")
    subtags = tag.split("-")
    out = [subtags[0].lower()]
    in_extension = False
    for subtag in subtags[1:]:
        if len(subtag) == 1:
            in_extension = True
        if in_extension:
            out.append(subtag.lower())
        elif len(subtag) == 4 and subtag.isalpha():
            out.append(subtag.title())
        elif len(subtag) == 2 and subtag.isalpha():
            out.append(subtag.upper())
        else:
            out.append(subtag.lower())
    return "-".join(out)


def _language_map(value: Any, *, max_length: int) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail("language_map", 'must be a language map, e.g. {"en": "text"}')
    result: dict[str, str] = {}
    for key, text in value.items():
        tag = canonical_language_tag(str(key))
        if tag in result:
            raise _fail("language_map", f"language {tag!r} appears twice")
        if not isinstance(text, str) or not text.strip():
            raise _fail("language_map", f"the {tag!r} text must be a non-empty string")
        if len(text) > max_length or _CONTROL.search(text):
            raise _fail(
                "language_map", f"the {tag!r} text must be ≤ {max_length} printable characters"
            )
        result[tag] = text.strip()
    return result


def title_map(value: Any) -> dict[str, str]:
    result = _language_map(value, max_length=TITLE_MAX)
    if not result:
        raise _fail("language_map", "needs at least one language")
    return result


def description_map(value: Any) -> dict[str, str]:
    return _language_map({} if value is None else value, max_length=DESCRIPTION_MAX)


def competency_code(value: str) -> str:
    code = value.strip()
    if not code or len(code) > 100 or any(c.isspace() or not c.isprintable() for c in code):
        raise _fail("code", "must be 1–100 characters without spaces (e.g. CC.1.2)")
    return code


def esco_skill_uri(value: str) -> str:
    """ESCO skill concept URIs are `http://data.europa.eu/esco/skill/<lower-case UUID>`."""
    uri = value.strip()
    tail = uri.removeprefix(ESCO_SKILL_PREFIX)
    if tail == uri:
        hint = " (ESCO URIs use http, not https)" if uri.startswith("https://data.europa") else ""
        raise _fail(
            "esco_uri", f"must start with {ESCO_SKILL_PREFIX}{hint}; use skill_uri otherwise"
        )
    try:
        parsed = uuid.UUID(tail)
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != tail:
        raise _fail("esco_uri", "must end with a lower-case UUID, as ESCO skill URIs do")
    return uri


def absolute_iri(value: str) -> str:
    """Any absolute IRI (RFC 3987) that is not an ESCO skill, which belongs in `esco_uri`."""
    iri = value.strip()
    if not _IRI_SCHEME.match(iri) or _IRI_FORBIDDEN.search(iri) or len(iri) > 2000:
        raise _fail("iri", "must be an absolute IRI (scheme:…, no spaces), at most 2000 characters")
    if iri.startswith(ESCO_SKILL_PREFIX):
        raise _fail("iri", "this is an ESCO skill URI: put it in esco_uri")
    return iri


def http_url(value: str) -> str:
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or _IRI_FORBIDDEN.search(url):
        raise _fail("url", "must be an absolute http(s) URL")
    return url


def plain_text(max_length: int) -> Any:
    def check(value: str) -> str:
        text = value.strip()
        if not text or len(text) > max_length or _CONTROL.search(text):
            raise _fail("text", f"must be 1–{max_length} printable characters")
        return text

    return AfterValidator(check)


def _blank_is_none(value: Any) -> Any:
    """Forms and CSV cells send "" for "not given"; treat it like null."""
    return None if isinstance(value, str) and not value.strip() else value


BlankIsNone = BeforeValidator(_blank_is_none)
LanguageTag = Annotated[str, AfterValidator(canonical_language_tag)]
TitleMap = Annotated[dict[str, str], BeforeValidator(title_map)]
DescriptionMap = Annotated[dict[str, str], BeforeValidator(description_map)]
CompetencyCode = Annotated[str, AfterValidator(competency_code)]
EscoUri = Annotated[str, AfterValidator(esco_skill_uri)]
SkillUri = Annotated[str, AfterValidator(absolute_iri)]
HttpUrl = Annotated[str, AfterValidator(http_url)]
EqfLevel = Annotated[int, Field(ge=1, le=8, description="EQF level 1–8")]
Version = Annotated[str, plain_text(50)]
Publisher = Annotated[str, plain_text(300)]
License = Annotated[str, plain_text(300)]
SkillType = Annotated[str, plain_text(100)]
