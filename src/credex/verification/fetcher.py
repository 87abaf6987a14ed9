"""The one way verification reaches the network: a guarded, size- and time-bounded HTTP GET.

Guards, in order, for the first request and for every redirect (at most `MAX_REDIRECTS`):
http/https only; the host is resolved here and every address must pass `AddressPolicy`; the
connection is then made to the checked address itself (Host header and TLS SNI/certificate
check keep the name), so a second DNS answer cannot swap in an internal address (DNS
rebinding). Explicit connect/read timeouts plus an overall deadline; the body is streamed and
cut at `max_bytes`. Environment proxies are ignored (they would bypass the address check).
Successful responses are cached per process (`fetch_cache`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

import httpx

from credex import __version__
from credex.verification.addresses import (
    AddressPolicy,
    AddressRefused,
    IPAddress,
    Resolver,
    system_resolver,
)
from credex.verification.fetch_cache import ExpiringLRU, lifetime

MAX_REDIRECTS = 3
MAX_BYTES = 2 * 1024 * 1024
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 5.0
TOTAL_DEADLINE = 10.0
JSON_ACCEPT = "application/did+json, application/vc+ld+json, application/ld+json, application/json"
ANY_CREDENTIAL_ACCEPT = (
    "application/vc+ld+json, application/vc, application/ld+json;q=0.9, application/json;q=0.9, "
    "application/vc+jwt;q=0.8, text/plain;q=0.5, image/png;q=0.5, image/svg+xml;q=0.5, */*;q=0.1"
)
_REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """The document could not be fetched; the message says why, in words for a report.

    `status` is the HTTP status when the server answered with one (410 Gone means revoked for
    an Open Badges 2.0 hosted assertion), else None.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Fetched:
    url: str
    content: bytes
    content_type: str
    cache_control: str | None = None

    @cached_property
    def json(self) -> Any:
        """The parsed body, or None when it is not JSON (parsed once, then remembered)."""
        try:
            return json.loads(self.content)
        except ValueError:
            return None


_shared_cache: ExpiringLRU[str, Fetched] = ExpiringLRU(max_entries=512)


def clear_fetch_cache() -> None:
    _shared_cache.clear()


class GuardedFetcher:
    def __init__(
        self,
        *,
        policy: AddressPolicy | None = None,
        resolver: Resolver = system_resolver,
        max_bytes: int = MAX_BYTES,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        deadline: float = TOTAL_DEADLINE,
        cache: ExpiringLRU[str, Fetched] | None = None,
    ) -> None:
        self.policy = policy or AddressPolicy()
        self._resolver = resolver
        self._max_bytes = max_bytes
        self._timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
        )
        self._deadline = deadline
        self._cache = _shared_cache if cache is None else cache

    def fetch(self, url: str, *, accept: str = ANY_CREDENTIAL_ACCEPT) -> Fetched:
        """GET `url` under every guard; FetchError says why it was not possible."""
        # The policy is part of the key: an answer fetched under a looser policy is not reused.
        key = f"{self.policy!r}\n{accept}\n{url}"
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        fetched = self._fetch_following_redirects(url, accept)
        self._cache.put(key, fetched, lifetime(fetched.cache_control, fetched.json))
        return fetched

    def fetch_json(self, url: str) -> dict[str, Any]:
        document = self.fetch(url, accept=JSON_ACCEPT).json
        if not isinstance(document, dict):
            raise FetchError(f"{url} did not return a JSON object")
        return document

    def _fetch_following_redirects(self, url: str, accept: str) -> Fetched:
        started = time.monotonic()
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._fetch_once(current, accept, started)
            if isinstance(response, Fetched):
                return response
            current = urljoin(current, response)
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _fetch_once(self, url: str, accept: str, started: float) -> Fetched | str:
        """One request: the response, or the redirect target (to be checked again)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"only http and https URLs are fetched, not {url!r}")
        if parts.username or parts.password:
            raise FetchError(f"URLs with credentials are not fetched: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._checked_address(parts.hostname, port)
        pinned = _pinned_url(parts, address, port)
        headers = {
            "Host": parts.netloc.rpartition("@")[2],
            "Accept": accept,
            "Accept-Encoding": "identity",
            "User-Agent": f"credex-verifier/{__version__}",
        }
        extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
        try:
            with (
                httpx.Client(timeout=self._timeout, trust_env=False) as client,
                client.stream("GET", pinned, headers=headers, extensions=extensions) as response,
            ):
                if response.status_code in _REDIRECTS:
                    location = str(response.headers.get("location", ""))
                    if not location:
                        raise FetchError(f"{url}: redirect without a Location")
                    return location
                if response.status_code != 200:
                    raise FetchError(
                        f"{url} answered HTTP {response.status_code}", status=response.status_code
                    )
                content = self._read_body(url, response, started)
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out") from exc
        except httpx.HTTPError as exc:
            # httpx's message can name the pinned address; say what failed, not where.
            raise FetchError(f"{url}: could not be fetched ({_failure(exc)})") from exc
        return Fetched(
            url=url,
            content=content,
            content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
            cache_control=response.headers.get("cache-control"),
        )

    def _checked_address(self, host: str, port: int) -> IPAddress:
        try:
            addresses = self._resolver(host, port)
        except OSError as exc:
            raise FetchError(f"{host} could not be resolved") from exc
        try:
            return self.policy.check(host, addresses)[0]
        except (AddressRefused, ValueError) as exc:
            raise FetchError(str(exc)) from exc

    def _read_body(self, url: str, response: httpx.Response, started: float) -> bytes:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise FetchError(f"{url} is larger than {self._max_bytes // 1024} KB")
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > self._max_bytes:
                raise FetchError(f"{url} is larger than {self._max_bytes // 1024} KB")
            if time.monotonic() - started > self._deadline:
                raise FetchError(f"{url}: took longer than {self._deadline:.0f} s")
        return bytes(body)


def _pinned_url(parts: SplitResult, address: IPAddress, port: int) -> str:
    host = f"[{address}]" if address.version == 6 else str(address)
    return urlunsplit((parts.scheme, f"{host}:{port}", parts.path or "/", parts.query, ""))


def _failure(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "connection failed"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return "invalid HTTP answer"
    return "network error"
