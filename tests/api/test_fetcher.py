"""The guarded fetcher against a real local HTTP server (never the internet)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from credex.verification.addresses import AddressPolicy, networks
from credex.verification.fetch_cache import ExpiringLRU, lifetime
from credex.verification.fetcher import Fetched, FetchError, GuardedFetcher


@dataclass
class Route:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0


@dataclass
class LocalServer:
    port: int
    routes: dict[str, Route]
    hits: list[str]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, path: str, document: Any = None, **kwargs: Any) -> str:
        body = kwargs.pop("body", None)
        if body is None:
            body = json.dumps(document if document is not None else {}).encode()
        self.routes[path] = Route(body=body, **kwargs)
        return self.url(path)


@contextmanager
def local_server() -> Iterator[LocalServer]:
    """A threaded HTTP server on 127.0.0.1 serving `routes`; `hits` records each GET path."""
    routes: dict[str, Route] = {}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            route = routes.get(self.path, Route(status=404, body=b"not found"))
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if route.delay:
                time.sleep(route.delay)
            self.wfile.write(route.body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield LocalServer(httpd.server_address[1], routes, hits)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


def loopback_fetcher(**kwargs: Any) -> GuardedFetcher:
    """A fetcher that may reach 127.0.0.1 and nothing else private (like production + a hole)."""
    return GuardedFetcher(
        policy=AddressPolicy(extra_allowed=networks(["127.0.0.1/32"])),
        cache=ExpiringLRU(),
        **kwargs,
    )


def test_fetches_json_from_an_allowed_host(server: LocalServer) -> None:
    url = server.serve("/did.json", {"id": "did:web:example.org"})
    assert loopback_fetcher().fetch_json(url) == {"id": "did:web:example.org"}
    assert server.hits == ["/did.json"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/x",
        "http://localhost:{port}/x",
        "http://10.1.2.3/x",
        "http://192.168.0.1/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/x",
        "http://[::ffff:127.0.0.1]:{port}/x",
        "http://[fe80::1]/x",
        "http://0.0.0.0:{port}/x",
        "http://100.64.0.1/x",
        "http://224.0.0.1/x",
    ],
)
def test_private_loopback_and_link_local_addresses_are_never_contacted(
    server: LocalServer, url: str
) -> None:
    fetcher = GuardedFetcher(cache=ExpiringLRU(), connect_timeout=0.5)
    with pytest.raises(FetchError, match=r"not allowed|resolve"):
        fetcher.fetch(url.format(port=server.port))
    assert server.hits == []


def test_every_resolved_address_must_be_allowed(server: LocalServer) -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.215.14", "127.0.0.1"] if host == "mixed.example" else ["127.0.0.1"]

    fetcher = GuardedFetcher(resolver=resolver, cache=ExpiringLRU())
    with pytest.raises(FetchError, match=r"fetching from mixed\.example is not allowed") as refused:
        fetcher.fetch(f"http://mixed.example:{server.port}/x")
    assert server.hits == []
    assert "127.0.0.1" not in str(refused.value)  # the resolved address stays internal
    assert "93.184.215.14" not in str(refused.value)


def test_the_connection_goes_to_the_checked_address_with_the_original_host(
    server: LocalServer,
) -> None:
    """DNS rebinding: the fetcher connects to the address it checked, keeping the Host name."""
    seen_hosts: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        seen_hosts.append(host)
        return ["127.0.0.1"]

    url = server.serve("/doc", {"ok": True})
    fetcher = GuardedFetcher(
        resolver=resolver,
        policy=AddressPolicy(extra_allowed=networks(["127.0.0.1/32"])),
        cache=ExpiringLRU(),
    )
    named = url.replace("127.0.0.1", "issuer.example")
    assert fetcher.fetch_json(named) == {"ok": True}
    assert seen_hosts == ["issuer.example"]


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://x", "http://user:pw@x.org/"]
)
def test_only_plain_http_and_https_urls(url: str) -> None:
    with pytest.raises(FetchError):
        loopback_fetcher().fetch(url)


def test_redirects_are_followed_and_each_hop_is_checked(server: LocalServer) -> None:
    final = server.serve("/final", {"done": True})
    server.serve("/hop", headers={"Location": "/final"}, status=302, body=b"")
    assert loopback_fetcher().fetch_json(server.url("/hop")) == {"done": True}
    assert final.endswith("/final")
    # a redirect to another loopback address (not in the allowed network) is refused
    server.serve(
        "/escape",
        headers={"Location": server.url("/final", host="127.0.0.2")},
        status=302,
        body=b"",
    )
    server.hits.clear()
    with pytest.raises(FetchError, match=r"127\.0\.0\.2"):
        loopback_fetcher().fetch(server.url("/escape"))
    assert server.hits == ["/escape"]


def test_at_most_three_redirects(server: LocalServer) -> None:
    for step in range(5):
        server.serve(f"/r{step}", headers={"Location": f"/r{step + 1}"}, status=301, body=b"")
    server.serve("/r5", {"far": True})
    with pytest.raises(FetchError, match="more than 3 redirects"):
        loopback_fetcher().fetch(server.url("/r0"))
    assert loopback_fetcher().fetch_json(server.url("/r2")) == {"far": True}


def test_the_body_is_cut_at_the_size_cap(server: LocalServer) -> None:
    server.serve("/big", body=b"x" * 5000)
    with pytest.raises(FetchError, match="larger than"):
        loopback_fetcher(max_bytes=4096).fetch(server.url("/big"))
    server.serve("/fits", body=b"y" * 4000)
    assert loopback_fetcher(max_bytes=4096).fetch(server.url("/fits")).content == b"y" * 4000


def test_a_slow_server_times_out(server: LocalServer) -> None:
    server.serve("/slow", {"late": True}, delay=1.5)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        loopback_fetcher(read_timeout=0.3).fetch(server.url("/slow"))
    assert time.monotonic() - started < 1.4


def test_errors_and_non_json_are_reported(server: LocalServer) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        loopback_fetcher().fetch(server.url("/missing"))
    server.serve("/text", body=b"hello", headers={"Content-Type": "text/plain"})
    with pytest.raises(FetchError, match="not return a JSON object"):
        loopback_fetcher().fetch_json(server.url("/text"))


def test_responses_are_cached_by_max_age_and_not_under_no_store(server: LocalServer) -> None:
    fetcher = loopback_fetcher()
    cached = server.serve(
        "/cached",
        {"n": 1},
        headers={"Content-Type": "application/json", "Cache-Control": "max-age=60"},
    )
    fresh = server.serve(
        "/fresh",
        {"n": 2},
        headers={"Content-Type": "application/json", "Cache-Control": "no-store"},
    )
    for _ in range(3):
        fetcher.fetch_json(cached)
        fetcher.fetch_json(fresh)
    assert server.hits.count("/cached") == 1
    assert server.hits.count("/fresh") == 3


def test_lifetimes() -> None:
    status_list = {"credentialSubject": {"type": "BitstringStatusList", "ttl": 30_000}}
    assert lifetime(None) == 300
    assert lifetime("public, max-age=60") == 60
    assert lifetime("no-cache") == 0
    assert lifetime(None, status_list) == 30
    assert lifetime("max-age=10", status_list) == 10
    assert lifetime("max-age=999999") == 3600


def test_the_cache_expires_and_stays_bounded() -> None:
    now = [0.0]
    cache: ExpiringLRU[str, Fetched] = ExpiringLRU(max_entries=2, clock=lambda: now[0])
    item = Fetched("u", b"{}", "application/json")
    cache.put("a", item, 10)
    cache.put("b", item, 10)
    cache.put("c", item, 10)
    assert cache.get("a") is None
    assert cache.get("c") is item
    now[0] = 11
    assert cache.get("c") is None
    assert len(cache) == 1  # "b" is still stored until it is looked at
