"""Start a real credex server (uvicorn, N workers) on a scratch database for HTTP benchmarks."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from credex.settings import generate_kek

BENCH_PG_DB = "credex_bench"


@dataclass
class Server:
    pid: int  # the `credex serve` process (its workers are its children)
    url: str
    env: dict[str, str]
    issuer_token: str
    admin_token: str
    achievement_id: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _credex(env: dict[str, str], *args: str) -> str:
    exe = Path(sys.executable).with_name("credex")
    result = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=True)
    return result.stdout


def _postgres_url(name: str = BENCH_PG_DB) -> str:
    for sql in (
        f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
        f"CREATE DATABASE {name}",
    ):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True
        )
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"benchmark server did not start ({url})")
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@dataclass
class LeanServer:
    pid: int
    url: str


@contextmanager
def running_lean(database: str, workers: int) -> Iterator[LeanServer]:
    """The lean reference app (`benchmarks.lean_app`) under uvicorn, on its own scratch database."""
    workdir = Path(tempfile.mkdtemp(prefix="credex-lean-"))
    port = _free_port()
    db_url = (
        f"sqlite:///{workdir / 'lean.db'}"
        if database == "sqlite"
        else _postgres_url(BENCH_PG_DB + "_lean")
    )
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "LEAN_DATABASE_URL": db_url, "PYTHONPATH": root}
    log = (Path(tempfile.gettempdir()) / f"credex-bench-lean-{database}.log").open("w")
    command = [sys.executable, "-m", "uvicorn", "benchmarks.lean_app:app", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/docs", process)
        yield LeanServer(pid=process.pid, url=f"http://127.0.0.1:{port}")
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def running_server(database: str, workers: int, *, reuse: Server | None = None) -> Iterator[Server]:
    """`database` is "sqlite" or "postgresql"; the server is stopped and data removed after.

    `reuse`: a second `credex serve` on the first one's database (a replica), same settings.
    """
    workdir = Path(tempfile.mkdtemp(prefix="credex-bench-"))
    port = _free_port()
    if reuse is not None:
        env, url = reuse.env, f"http://localhost:{port}"
        issuer_token, admin_token = reuse.issuer_token, reuse.admin_token
    else:
        url = f"http://localhost:{port}"
        db_url = f"sqlite:///{workdir / 'bench.db'}" if database == "sqlite" else _postgres_url()
        env = {
            **os.environ,
            "CREDEX_DATABASE_URL": db_url,
            "CREDEX_BASE_URL": url,
            "CREDEX_LOG_LEVEL": "WARNING",
            "CREDEX_VERIFY_RATE_LIMIT_PER_MINUTE": "100000000",
            "CREDEX_DB_POOL_SIZE": "20",
            # One explicit key-encryption key for the CLI and the server (a generated
            # development key lives in the working directory when the database is not SQLite).
            "CREDEX_KEY_ENCRYPTION_KEY": generate_kek(),
        }
        demo = _credex(env, "demo")
        found_issuer = re.search(r"demo issuer token \(shown once\): (\S+)", demo)
        found_admin = re.search(r"demo admin token \(shown once\): (\S+)", demo)
        if found_issuer is None or found_admin is None:
            raise RuntimeError(f"unexpected demo output: {demo}")
        issuer_token, admin_token = found_issuer.group(1), found_admin.group(1)
    exe = Path(sys.executable).with_name("credex")
    log = (Path(tempfile.gettempdir()) / f"credex-bench-{database}-{port}.log").open("w")
    process = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"{url}/ready", process)
        headers = {"Authorization": f"Bearer {issuer_token}"}
        items = httpx.get(f"{url}/api/v1/achievements?limit=50", headers=headers).json()["items"]
        published = [a for a in items if a.get("status") == "published"]
        yield Server(
            pid=process.pid,
            url=url,
            env=env,
            issuer_token=issuer_token,
            admin_token=admin_token,
            achievement_id=published[-1]["id"],
        )
    finally:
        _stop(process)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
