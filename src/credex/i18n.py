"""Interface languages: gettext catalogues (Babel) and locale-aware dates and numbers.

The catalogues are `credex/locale/<lang>/LC_MESSAGES/messages.po`, kept in git. They are compiled
in memory the first time a language is used (Babel's `write_mo` into a buffer), so an editable
install, a wheel and a fresh checkout all work without a build step or a writable package folder.

The interface language (page text, e-mails, certificates) is separate from the content language
(the language an achievement or framework was written in): content keeps its own `lang`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
# The languages of the CREDEX partnership; the first is the source language of the catalogues.
LANGUAGES = ("en", "fr", "it", "el")
LANGUAGE_COOKIE = "credex_lang"


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark a string for extraction without translating it here (it is translated when shown)."""
    return message


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    """The compiled catalogue of `language` (an empty one, i.e. English, when there is none)."""
    path = catalogue_path(language)
    if language not in LANGUAGES or not path.is_file():
        return Translations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def supported(language: str | None) -> str | None:
    """`language` (any case, with or without a region) as one of LANGUAGES, else None."""
    if not language:
        return None
    primary = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def gettext(language: str, message: str) -> str:
    return translations(language).ugettext(message)


def ngettext(language: str, singular: str, plural: str, count: int) -> str:
    return translations(language).ungettext(singular, plural, count)


def from_accept_language(header: str | None) -> str | None:
    """The supported language the `Accept-Language` header ranks highest (RFC 9110 §12.5.4)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        if tag.strip() == "*":
            return DEFAULT_LANGUAGE
        language = supported(tag)
        if language:
            return language
    return None


def choose(cookie: str | None, accept_language: str | None) -> str:
    """The interface language: the remembered choice, else the browser's, else English."""
    return supported(cookie) or from_accept_language(accept_language) or DEFAULT_LANGUAGE


def format_day(value: date | datetime | None, language: str, form: str = "long") -> str:
    """A date as people of `language` write it: "8 December 2026", "8 décembre 2026"…"""
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return babel_format_date(day, format=form, locale=supported(language) or DEFAULT_LANGUAGE)


def format_moment_utc(value: datetime, language: str, *, with_date: bool = True) -> str:
    """A moment in UTC as `language` writes it ("8 déc. 2026, 14:05 UTC"; "14:05 UTC")."""
    locale = supported(language) or DEFAULT_LANGUAGE
    if with_date:
        return f"{format_datetime(value, 'medium', tzinfo=UTC, locale=locale)} UTC"
    return f"{format_time(value, 'short', tzinfo=UTC, locale=locale)} UTC"


def format_number(value: int | float | Decimal | str | None, language: str) -> str:
    """A number with the language's decimal separator: 2.5 → "2,5" in French, Italian, Greek."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    return format_decimal(number, locale=supported(language) or DEFAULT_LANGUAGE)


def language_display_name(tag: str, language: str) -> str:
    """The name of language `tag` in interface `language` (`it` in French → "italien")."""
    locale = Locale.parse(supported(language) or DEFAULT_LANGUAGE)
    primary, _, region = tag.replace("_", "-").partition("-")
    name = locale.languages.get(primary.lower())
    if not name:
        return tag
    return f"{name} ({tag})" if region else name


def own_names(languages: Iterable[str] = LANGUAGES) -> list[tuple[str, str]]:
    """Each interface language with its name in itself ("Français", "Ελληνικά")."""
    named = []
    for code in languages:
        name = Locale.parse(code).get_display_name(code) or code
        named.append((code, name[:1].upper() + name[1:]))
    return named
