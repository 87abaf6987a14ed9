"""Keeping the gettext catalogues in step with the code: `python -m credex.locale_tools`.

Extracts every message with Babel's extractors (Python: `_`, `N_`, `gettext`, `ngettext`;
templates: Jinja2's `{% trans %}` and `_()` through `jinja2.ext.babel_extract`, with the same
`trimmed` policy the page environment uses) into `credex/locale/messages.pot`, then updates each
language's `messages.po` (new messages appear untranslated, vanished ones are dropped).
The English catalogue carries each message as its own translation. The completeness test
(`tests/api/test_i18n_catalogues.py`) runs `extract_catalog` and compares.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from credex import i18n

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "silent": "false"}
METHOD_MAP = [
    ("web/templates/**.html", "jinja2.ext.babel_extract"),
    ("**.py", "python"),
]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def extract_catalog() -> Catalog:
    """Every translatable message in the package's Python modules and templates."""
    catalog = Catalog(project="credex", domain=i18n.DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE_DIR,
        method_map=METHOD_MAP,
        options_map={"web/templates/**.html": TEMPLATE_OPTIONS},
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
    ):
        catalog.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def update_catalogues() -> None:
    template = extract_catalog()
    with (i18n.LOCALE_DIR / "messages.pot").open("wb") as out:
        write_po(out, template, omit_header=True, sort_output=True, include_lineno=False)
    # English last: new messages are shared with the template, and English fills them in.
    for language in sorted(i18n.LANGUAGES, key=lambda code: code == i18n.DEFAULT_LANGUAGE):
        path = i18n.catalogue_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            with path.open("rb") as source:
                catalog = read_po(source, locale=language)
        else:
            catalog = Catalog(locale=language, domain=i18n.DOMAIN, project="credex")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        catalog.fuzzy = False
        for message in catalog:
            if message.id and language == i18n.DEFAULT_LANGUAGE:
                message.string = message.id
        with path.open("wb") as out:
            write_po(out, catalog, sort_output=True, include_lineno=False, width=100)


if __name__ == "__main__":
    update_catalogues()
