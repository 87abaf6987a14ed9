"""Live server and headless Chromium for page tests.

The live server runs the real app with uvicorn in a thread, on its own SQLite file (a browser makes
concurrent requests, which the rolled-back test connection cannot serve). Chromium comes from
Debian's package (`apt-get install chromium`), driven by Playwright without downloading a browser.
Where Chromium is missing the tests skip, unless CREDEX_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from credex.app import create_app
from credex.db import migrate
from credex.db.session import Database
from credex.settings import Settings, generate_kek

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveServer:
    url: str
    database: Database
    settings: Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    port = _free_port()
    url = f"http://localhost:{port}"  # did:web refuses IP hosts
    db_url = f"sqlite:///{tmp_path / 'live.db'}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="test",
        database_url=db_url,
        base_url=url,
        key_encryption_key=generate_kek(),
        log_level="WARNING",
        signing_processes=0,  # sign in the job worker's thread: no process pool per test
    )
    migrate.upgrade(db_url)
    database = Database.from_url(db_url)
    app = create_app(settings, database)
    # Tests marked `job_worker` get the background worker (bulk jobs, notification mails).
    app.state.job_worker_enabled = request.node.get_closest_marker("job_worker") is not None
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(url=url, database=database, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        database.dispose()


def _chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    path = _chromium_path()
    if path is None:
        if os.environ.get("CREDEX_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required (CREDEX_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("Chromium not installed: apt-get install chromium (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone_page(chromium: Any) -> Iterator[Any]:
    """A phone-sized viewport, for checking pages are usable on small screens."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        yield context.new_page()
    finally:
        context.close()
