"""`kill -9` of a `credex serve` process in the middle of a PostgreSQL bulk job: after a
restart the job finishes with every row issued exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from credex.db import migrate
from credex.db.session import Database
from credex.settings import Settings, generate_kek
from tests.api.test_issuance_support import make_tenant

pytestmark = pytest.mark.postgres_only
ROWS = 1500
DATABASE_NAME = "{base}_kill"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def kill_database(database_url: str) -> Iterator[str]:
    """A database of its own: the server commits for real, outside the test's transaction."""
    url = make_url(database_url)
    name = DATABASE_NAME.format(base=url.database)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    own = url.set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(own)
    try:
        yield own
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "credex", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/ready").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def test_kill_9_during_a_bulk_job_then_restart_issues_every_row_once(
    kill_database: str, tmp_path: Path
) -> None:
    kek = generate_kek()
    port = free_port()
    base_url = f"http://localhost:{port}"
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        env="development",
        database_url=kill_database,
        base_url=base_url,
        key_encryption_key=kek,
    )
    database = Database.from_url(kill_database, pool_size=2)
    tenant = make_tenant(database, settings)
    env = {
        **os.environ,
        "CREDEX_ENV": "development",
        "CREDEX_DATABASE_URL": kill_database,
        "CREDEX_BASE_URL": base_url,
        "CREDEX_KEY_ENCRYPTION_KEY": kek,
        "CREDEX_SIGNING_PROCESSES": "0",
        "CREDEX_JOB_STALE_SECONDS": "3",
        "CREDEX_LOG_LEVEL": "WARNING",
    }
    server = Server(env, port, tmp_path / "serve.log")
    server.start()
    items = [{"learner": {"email": f"row{n}@example.org"}} for n in range(ROWS)]
    body = {"items": items, "achievement_id": str(tenant.achievement_id)}
    with httpx.Client(base_url=base_url, headers=tenant.headers, timeout=60) as client:
        submitted = client.post("/api/v1/credentials/batch", json=body)
        assert submitted.status_code == 202, submitted.text
        job_url = f"/api/v1/jobs/{submitted.json()['job_id']}"
        done = 0
        deadline = time.monotonic() + 120
        while done == 0 and time.monotonic() < deadline:
            done = client.get(job_url).json()["done"]
            time.sleep(0.02)
        server.kill()  # mid-job: some chunks committed, one perhaps half-way
    try:
        with database.unit_of_work() as session:
            issued_at_kill = session.scalar(text("SELECT count(*) FROM credentials"))
        assert 0 < (issued_at_kill or 0) < ROWS, "the kill did not land mid-job"

        server.start()
        with httpx.Client(base_url=base_url, headers=tenant.headers, timeout=60) as client:
            job: dict[str, object] = {}
            deadline = time.monotonic() + 180
            while job.get("state") != "done" and time.monotonic() < deadline:
                job = client.get(job_url).json()
                time.sleep(0.2)
        assert job["state"] == "done", job
        assert job["done"] == ROWS
        with database.unit_of_work() as session:
            total = session.scalar(text("SELECT count(*) FROM credentials"))
            learners = session.scalar(text("SELECT count(DISTINCT learner_id) FROM credentials"))
        assert (total, learners) == (ROWS, ROWS)  # exactly once: none lost, none twice
    finally:
        server.kill()
        database.dispose()
