"""Linked OB 2.0 documents (hosted assertion, BadgeClass, Profile, key, revocation list).

The caller injects `fetch_json(url) -> dict`; core never touches the network. A document that
cannot be had is `Unavailable` (the check is then undecided), unless the issuer answered
410 Gone, which OB 2.0 defines as "revoked" for a hosted assertion.

Embedded objects are trusted only as far as the document that carries them: an embedded
BadgeClass or Profile with an HTTP(S) `id` is fetched from that `id` and the fetched copy is
used (a copy inside a forged assertion proves nothing); one without an HTTP(S) `id` (e.g. an
ephemeral `urn:uuid:` BadgeClass of a signed badge) is taken as embedded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

FetchJson = Callable[[str], Mapping[str, Any]]


class DocumentUnavailable(LookupError):
    """Raised by a `fetch_json` when a document cannot be retrieved; `status` is the HTTP
    status when the server answered with one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Unavailable(Exception):
    """A linked document could not be retrieved: undecided, not bad."""

    def __init__(self, detail: str, *, gone: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.gone = gone


class Malformed(Exception):
    """A linked document was retrieved but is not what it should be: the badge is bad."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def is_http(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def node_id(value: object) -> str | None:
    """The `id` of an IRI-or-object value."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


class Documents:
    """`fetch_json` with the answers of one verification remembered."""

    def __init__(self, fetch_json: FetchJson) -> None:
        self._fetch_json = fetch_json
        self._seen: dict[str, dict[str, Any]] = {}

    def get(self, url: str, *, named: bool = True) -> dict[str, Any]:
        """The JSON object at `url`; `named`: its `id` must be `url` (a revocation list's
        `id` is optional, so it is not held to this)."""
        if url in self._seen:
            return self._seen[url]
        if not is_http(url):
            raise Malformed(f"{url!r} is not an HTTP(S) address")
        try:
            document = self._fetch_json(url)
        except (LookupError, OSError, ValueError) as exc:
            status = getattr(exc, "status", None)
            detail = str(exc.args[0]) if exc.args else type(exc).__name__
            message = f"{url} could not be retrieved: {detail}"
            raise Unavailable(message, gone=status == 410) from exc
        if not isinstance(document, Mapping):
            raise Malformed(f"{url} did not return a JSON object")
        if named and document.get("id") != url:
            raise Malformed(f"the document at {url} names itself {document.get('id')!r}")
        self._seen[url] = dict(document)
        return self._seen[url]

    def resolve(self, value: object, what: str) -> dict[str, Any]:
        """The object an IRI or embedded value stands for (see the module note on trust)."""
        if isinstance(value, str):
            return self.get(value)
        if not isinstance(value, Mapping):
            raise Malformed(f"the {what} is neither an IRI nor an object")
        identifier = value.get("id")
        if is_http(identifier):
            return self.get(str(identifier))
        if not isinstance(identifier, str) or not identifier:
            raise Malformed(f"the embedded {what} has no id")
        return dict(value)
