"""The credex JSON-LD context v1: terms for the EU micro-credential elements OB 3.0 lacks.

CR2022 Annex I asks for EQF level, ECTS workload, assessment type, form of participation, quality
assurance, … which Open Badges 3.0 has no terms for. JSON-LD silently drops undefined terms from
a signature, so every such key an Achievement emits is defined here (terms documented in
`schemas/credex-context.md`).

The URL is derived from the deployment's public origin (`<base_url>/contexts/credex-v1.jsonld`)
so external verifiers can resolve it; the document itself is identical for every deployment.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from credex.core.jsonld import register_context, register_context_pattern

CREDEX_CONTEXT_PATH = "/contexts/credex-v1.jsonld"
CREDEX_CONTEXT_FILE = "credex-v1.jsonld"
CREDEX_VOCAB = "https://purl.org/credex/vocab#"

_registered_urls: set[str] = set()


def credex_context_url(base_url: str) -> str:
    """Where this deployment serves the context, e.g. `https://badges.example/contexts/…`."""
    return base_url.rstrip("/") + CREDEX_CONTEXT_PATH


@cache
def credex_context_bytes() -> bytes:
    """The shipped document byte for byte (what the public route serves)."""
    return resources.files("credex.core").joinpath("contexts", CREDEX_CONTEXT_FILE).read_bytes()


@cache
def credex_context_etag() -> str:
    """A strong ETag: the content never varies between deployments or requests."""
    return '"' + hashlib.sha256(credex_context_bytes()).hexdigest()[:32] + '"'


@cache
def _parsed_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(credex_context_bytes())
    return document


def credex_context_document() -> dict[str, Any]:
    """A private copy of the parsed context document."""
    return copy.deepcopy(_parsed_document())


def credex_context_terms() -> frozenset[str]:
    """Every term the context defines at top level (keywords excluded)."""
    context = _parsed_document()["@context"]
    return frozenset(term for term in context if not term.startswith("@"))


CREDEX_CONTEXT_AT_ANY_ORIGIN = re.compile(r"https?://[^/?#@\s]+/contexts/credex-v1\.jsonld")


def accept_credex_context_at_any_origin() -> None:
    """Know the credex context at every deployment's URL, not only this one's.

    For a verifier that is not the issuing deployment (`credex verify`): the document is the
    same everywhere, and it is read from the shipped copy, never fetched.
    """
    register_context_pattern(CREDEX_CONTEXT_AT_ANY_ORIGIN, register_credex_context(_ANY_ORIGIN))


_ANY_ORIGIN = "https://credex.invalid"  # the name the pattern's document is registered under


def register_credex_context(base_url: str) -> str:
    """Serve the context from core's frozen loader at this deployment's URL; returns the URL.

    Idempotent: `create_app` and the renderers may both call it for the same origin.
    """
    url = credex_context_url(base_url)
    if url not in _registered_urls:
        register_context(url, _parsed_document(), credex_context_bytes())
        _registered_urls.add(url)
    return url
