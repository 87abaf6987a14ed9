"""What the public document pages (`/issuers/{id}`, `/achievements/{id}`) have in common.

Both addresses serve JSON-LD to machines and a page to browsers (`credex.web.negotiation`), so
every answer, 404s included, says `Vary: Accept`. The pages load nothing from other origins
(the CSP forbids it, and a visit should not be reported to third parties): an issuer's logo on
its own site is linked, not shown; a `data:` image is shown inline.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fastapi import Request, Response

from credex.core.credentials.microcredential import decimal_text
from credex.errors import NotFound
from credex.problems import problem_response
from credex.web.negotiation import VARY_ACCEPT
from credex.web.templating import PageError, error_page, render

# The JSON is public and changes rarely (a retirement, a profile edit): short shared caching.
PAGE_CACHE_CONTROL = "public, max-age=300"
INLINE_IMAGE_PREFIXES = (
    "data:image/png;",
    "data:image/jpeg;",
    "data:image/gif;",
    "data:image/webp;",
    "data:image/svg+xml;",
)
SHARING_DESCRIPTION_LIMIT = 200


def negotiated(response: Response, cache_control: str = PAGE_CACHE_CONTROL) -> Response:
    """One representation of a negotiated address: cacheable, keyed on `Accept`."""
    response.headers["Cache-Control"] = cache_control
    response.headers.update(VARY_ACCEPT)
    return response


def not_found(request: Request, *, html: bool, detail: str, page_detail: str) -> Response:
    """A 404 in the form asked for: the HTML error page, or the usual problem+json."""
    if html:
        response: Response = error_page(request, PageError(404, "Not found", page_detail))
    else:
        response = problem_response(
            request, status=NotFound.status, slug=NotFound.slug, title=NotFound.title, detail=detail
        )
    response.headers.update(VARY_ACCEPT)
    return response


def number_text(value: Decimal | None) -> str | None:
    """`2.00` → `2`, `1.50` → `1.5`: credits and hours as people write them."""
    return decimal_text(value) if value is not None else None


def term_words(term: str) -> str:
    """An OB enumeration value as words: `ext:LegalIdentifier` → `Legal identifier`."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", term.removeprefix("ext:"))
    return words[:1].upper() + words[1:].lower()


def web_url(value: object) -> str | None:
    """`value` if it is an http(s) address a page may link to (never `javascript:` and kin)."""
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value
    return None


@dataclass(frozen=True)
class PageImage:
    """An image a page shows inline (`data:` URL) or links to (elsewhere: never loaded)."""

    alt: str
    inline: str | None = None
    link: str | None = None


def page_image(url: str | None, alt: str, *, own_origin: str | None = None) -> PageImage | None:
    """`own_origin`: images served by this service (an uploaded issuer logo) are shown too."""
    if not url:
        return None
    if url.startswith(INLINE_IMAGE_PREFIXES):
        return PageImage(alt=alt, inline=url)
    if own_origin and url.startswith(own_origin + "/"):
        return PageImage(alt=alt, inline=url.removeprefix(own_origin))
    link = web_url(url)
    return PageImage(alt=alt, link=link) if link else None


def json_download(document: dict[str, Any], filename: str, label: str) -> dict[str, str]:
    """A download link carrying the JSON itself: a browser asking the address gets HTML."""
    data = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return {
        "href": "data:application/ld+json;base64," + base64.b64encode(data).decode(),
        "filename": filename,
        "label": label,
    }


def sharing(title: str, description: str, image: str | None) -> dict[str, str]:
    """OpenGraph/Twitter values; only an https image can be previewed by other sites."""
    text = " ".join(description.split())
    if len(text) > SHARING_DESCRIPTION_LIMIT:
        text = text[: SHARING_DESCRIPTION_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return {
        "title": title,
        "description": text,
        "image": image if image and image.startswith("https://") else "",
    }


def render_document_page(
    request: Request,
    template: str,
    *,
    title: str,
    page_url: str,
    summary: str,
    image: str | None,
    document: dict[str, Any],
    filename: str,
    download_label: str,
    **context: Any,
) -> Response:
    """A document page: its sharing tags, its JSON as a download, negotiated like the JSON."""
    page = render(
        request,
        template,
        title=title,
        page_url=page_url,
        sharing=sharing(title, summary, image),
        download=json_download(document, filename, download_label),
        **context,
    )
    return negotiated(page)
