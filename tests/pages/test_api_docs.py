"""`/docs` and `/redoc` work without internet: their scripts and styles come from the package
(issue 13 §12), so the pages render with every request to another site blocked."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.browser import LiveServer

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_reference_only_local_assets(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assets = ASSET.findall(html)
    assert assets  # a script and a style sheet or favicon at least
    for asset in assets:
        assert not urlsplit(asset).netloc, f"{path} loads {asset} from another site"
        response = client.get(asset)
        assert response.status_code == 200, asset
    assert "fonts.googleapis.com" not in html
    assert "cdn.jsdelivr.net" not in html


@pytest.mark.browser
@pytest.mark.parametrize(("path", "rendered"), [("/docs", ".opblock"), ("/redoc", "h1")])
def test_docs_render_with_other_sites_blocked(
    live_server: LiveServer, page: Any, path: str, rendered: str
) -> None:
    origin = live_server.url
    elsewhere: list[str] = []

    def only_local(route: Any) -> None:
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(origin + path)
    page.wait_for_selector(rendered, timeout=20_000)
    assert "credex" in page.content()
    assert elsewhere == []
    assert errors == []
