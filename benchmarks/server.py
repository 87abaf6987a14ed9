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


def _postgres_url() -> str:
    for sql in (
        f"DROP DATABASE IF EXISTS {BENCH_PG_DB} WITH (FORCE)",
        f"CREATE DATABASE {BENCH_PG_DB}",
    ):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True
        )
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{BENCH_PG_DB}"


@contextmanager
def running_server(database: str, workers: int) -> Iterator[Server]:
    """`database` is "sqlite" or "postgresql"; the server is stopped and data removed after."""
    workdir = Path(tempfile.mkdtemp(prefix="credex-bench-"))
    port = _free_port()
    url = f"http://localhost:{port}"
    db_url = f"sqlite:///{workdir / 'bench.db'}" if database == "sqlite" else _postgres_url()
    env = {
        **os.environ,
        "CREDEX_DATABASE_URL": db_url,
        "CREDEX_BASE_URL": url,
        "CREDEX_LOG_LEVEL": "WARNING",
        "CREDEX_VERIFY_RATE_LIMIT_PER_MINUTE": "100000000",
        "CREDEX_DB_POOL_SIZE": "20",
        # One explicit key-encryption key for the CLI and the server (a generated development
        # key lives in the working directory when the database is not a SQLite file).
        "CREDEX_KEY_ENCRYPTION_KEY": generate_kek(),
    }
    demo = _credex(env, "demo")
    issuer_token = re.search(r"demo issuer token \(shown once\): (\S+)", demo)
    admin_token = re.search(r"demo admin token \(shown once\): (\S+)", demo)
    if issuer_token is None or admin_token is None:
        raise RuntimeError(f"unexpected demo output: {demo}")
    exe = Path(sys.executable).with_name("credex")
    log = (Path(tempfile.gettempdir()) / f"credex-bench-{database}.log").open("w")
    process = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("benchmark server did not start")
            time.sleep(0.2)
        headers = {"Authorization": f"Bearer {issuer_token.group(1)}"}
        items = httpx.get(f"{url}/api/v1/achievements?limit=50", headers=headers).json()["items"]
        published = [a for a in items if a.get("status") == "published"]
        yield Server(
            pid=process.pid,
            url=url,
            env=env,
            issuer_token=issuer_token.group(1),
            admin_token=admin_token.group(1),
            achievement_id=published[-1]["id"],
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
