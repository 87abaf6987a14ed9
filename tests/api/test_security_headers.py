"""Every HTML response carries the security headers, the API docs included (their policy
allows same-origin scripts and, by hash, exactly the inline script the page runs)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

HTML = {"accept": "text/html"}


@pytest.mark.parametrize(
    "path",
    [
        "/docs",
        "/redoc",
        "/docs/oauth2-redirect",
        "/verify",
        "/wallet/signin",
        "/admin/login",
        "/frameworks",
    ],
)
def test_html_responses_carry_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path, headers=HTML)
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_docs_policy_allows_own_scripts_and_hashes_its_inline_script(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.text, re.S)
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert int(response.headers["content-length"]) == len(response.content)
