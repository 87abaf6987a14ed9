"""Content negotiation for public documents that are both JSON for machines and HTML for people.

One rule for every such address (`/credentials/{id}`, `/issuers/{id}`, `/achievements/{id}`,
share links): the HTML page only when the client ranks `text/html` strictly above every JSON
form, so `*/*`, an empty header and ties get the JSON, exactly as before pages existed.
"""

from __future__ import annotations

MACHINE_TYPES = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/vc+ld+json",
        "text/plain",  # a VC-JWT (OB 3.0 "Document Format")
        "*/*",
        "application/*",
    }
)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
VARY_ACCEPT = {"Vary": "Accept"}


def prefers_html(accept: str) -> bool:
    """Whether `text/html` has a higher q-value than any JSON form (ties go to JSON)."""
    html = json_like = 0.0
    for media_range in accept.split(","):
        kind, _, params = media_range.strip().partition(";")
        quality = _quality(params)
        kind = kind.strip().lower()
        if kind in HTML_TYPES:
            html = max(html, quality)
        elif kind in MACHINE_TYPES:
            json_like = max(json_like, quality)
    return html > json_like


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0
