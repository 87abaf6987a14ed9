"""The gettext catalogues cover every page string, in every interface language.

Extraction runs Babel's extractors over the package (as `python -m credex.locale_tools` does)
and compares with the `.po` files in git: a message missing from a catalogue, or present but
untranslated, fails. A second check parses every template with Jinja2 and fails on visible
text (or an `aria-label`, `title`, `alt`, `placeholder` attribute) written outside gettext.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from credex import i18n
from credex.locale_tools import extract_catalog
from credex.web.templating import TEMPLATES_DIR

_PLACEHOLDER = re.compile(r"%\(\w+\)s")
_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')
_LOOSE_ATTRIBUTE = re.compile(r'[\w-]+="[^"]*"')  # attributes a macro writes into a tag
_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
_TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.DOTALL)
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)
_HIDDEN_BLOCKS = re.compile(r"<(style|script)\b.*?</\1>", re.DOTALL)
_ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Text that is the same in every language (names, codes, formats).
_UNTRANSLATED_OK = {
    "credex",
    "Open",
    "key",  # key-3: the name of a signing key
    "Badges",
    "ECTS",
    "EQF",
    "ESCO",
    "JSON",
    "DID",
    "PNG",
    "SVG",
    "VC",
    "JWT",
    "DELETE",
}


def _catalogue(language: str) -> dict[str, object]:
    with i18n.catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    return {_key(message.id): message.string for message in catalog if message.id}


def _key(message_id: object) -> str:
    return message_id[0] if isinstance(message_id, tuple) else str(message_id)


@pytest.fixture(scope="module")
def extracted() -> dict[str, object]:
    return {_key(message.id): message.id for message in extract_catalog() if message.id}


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_extracted_message_is_translated(language: str, extracted: dict[str, object]) -> None:
    catalogue = _catalogue(language)
    missing = sorted(key for key in extracted if key not in catalogue)
    assert missing == [], f"not in the {language} catalogue (run python -m credex.locale_tools)"
    untranslated = sorted(
        key
        for key in extracted
        if not catalogue[key] or (isinstance(catalogue[key], tuple) and not all(catalogue[key]))
    )
    assert untranslated == [], f"untranslated in {language}"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    with i18n.catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        source_text = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if set(_PLACEHOLDER.findall(text)) != set(_PLACEHOLDER.findall(source_text)):
                wrong.append((source_text, text))
    assert wrong == []


def _visible_text(template_source: str) -> list[str]:
    """Words in the template's literal HTML that a reader sees and gettext never saw."""
    html = _TRANS_BLOCK.sub(" ", _COMMENT.sub(" ", template_source))
    html = _STATEMENT.sub(" ", _EXPRESSION.sub("0", html))
    html = _HIDDEN_BLOCKS.sub(" ", html)
    found = [value for value in _ATTRIBUTE.findall(html) if _WORD.search(value)]
    text = _ENTITY.sub(" ", _LOOSE_ATTRIBUTE.sub(" ", _TAG.sub(" ", html)))
    found += [word for word in _WORD.findall(text) if word not in _UNTRANSLATED_OK]
    return found


def _templates() -> list[Path]:
    return sorted(TEMPLATES_DIR.rglob("*.html"))


@pytest.mark.parametrize(
    "path", _templates(), ids=lambda path: str(path.relative_to(TEMPLATES_DIR))
)
def test_templates_show_no_text_outside_gettext(path: Path) -> None:
    assert _visible_text(path.read_text(encoding="utf-8")) == []


def test_the_check_catches_text_outside_gettext() -> None:
    assert _visible_text('<p title="Hello there">Plain words</p>') == [
        "Hello there",
        "Plain",
        "words",
    ]
    assert _visible_text('<p>{{ _("Wrapped") }} <abbr>EQF</abbr></p>') == []


def test_a_catalogue_without_a_message_is_caught(extracted: dict[str, object]) -> None:
    catalogue = _catalogue("fr")
    catalogue.pop("Verify a credential")
    assert [key for key in extracted if key not in catalogue] == ["Verify a credential"]
