"""End-to-end HTTP numbers: issuance throughput, verification latency, bulk issuance.

Each database gets a real server (`credex serve --workers 2`) on loopback; load comes from `wrk`
(16 connections, bounded in time): issuance gives every request a new learner, verification
cycles through 200 distinct credentials. Bulk issuance posts 10,000 rows and polls the job.
"""

from __future__ import annotations

import os
import time
from typing import Any

import httpx

from benchmarks import cpu, wrk
from benchmarks.server import running_server

CONNECTIONS = 16
BULK_ROWS = 10_000
VERIFY_POOL = 200  # distinct credentials, verified in turn


def _issue_body(achievement_id: str) -> dict[str, Any]:
    return {"achievement_id": achievement_id, "learner": {"email": "learner-@N@@example.org"}}


def _credentials(url: str, token: str, achievement_id: str, count: int) -> list[dict[str, Any]]:
    """`count` distinct issued credentials (to verify: no verification is a repeat)."""
    found: list[dict[str, Any]] = []
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for n in range(count):
            body = {"achievement_id": achievement_id, "learner": {"email": f"v{n}@example.org"}}
            response = client.post(f"{url}/api/v1/credentials", json=body)
            response.raise_for_status()
            found.append(response.json()["credential"])
    return found


def _bulk(url: str, token: str, achievement_id: str, rows: int) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    items = [
        {"achievement_id": achievement_id, "learner": {"email": f"bulk-{n}@example.org"}}
        for n in range(rows)
    ]
    started = time.perf_counter()
    response = httpx.post(
        f"{url}/api/v1/credentials/batch", json={"items": items}, headers=headers, timeout=300
    )
    response.raise_for_status()
    job_id = response.json()["job_id"]
    while True:
        job = httpx.get(f"{url}/api/v1/jobs/{job_id}", headers=headers, timeout=30).json()
        if job["state"] in ("done", "failed", "cancelled"):
            break
        time.sleep(0.25)
    elapsed = time.perf_counter() - started
    return {
        "ops_per_s": job["done"] / elapsed,
        "p50_ms": 0.0,
        "p99_ms": 0.0,
        "n": job["done"],
        "seconds": elapsed,
        "failed": job["failed"],
    }


def run(
    seconds: float, databases: tuple[str, ...] = ("sqlite", "postgresql")
) -> dict[str, dict[str, float]]:
    if not wrk.available():
        raise SystemExit("the HTTP benchmark needs wrk: apt-get install wrk")
    duration = max(5, int(seconds))
    results: dict[str, dict[str, float]] = {}
    for database in databases:
        with running_server(database, workers=2) as server:
            with cpu.measured(server.pid) as use:
                row = wrk.post_load(
                    f"{server.url}/api/v1/credentials",
                    _issue_body(server.achievement_id),
                    token=server.issuer_token,
                    connections=CONNECTIONS,
                    seconds=duration,
                )
            results[f"[{database}] HTTP issuance, 2 workers, {CONNECTIONS} conns"] = _with_cpu(
                row, use
            )
            credentials = _credentials(
                server.url, server.issuer_token, server.achievement_id, VERIFY_POOL
            )
            with cpu.measured(server.pid) as use:
                row = wrk.post_cycle(
                    f"{server.url}/api/v1/verify",
                    [{"credential": credential} for credential in credentials],
                    connections=CONNECTIONS,
                    seconds=duration,
                )
            results[f"[{database}] HTTP verify, {CONNECTIONS} conns"] = _with_cpu(row, use)
            with cpu.measured(server.pid) as use:
                row = _bulk(server.url, server.issuer_token, server.achievement_id, BULK_ROWS)
            results[f"[{database}] bulk {BULK_ROWS} end to end"] = _with_cpu(row, use)
    return results


def _with_cpu(row: dict[str, float], use: cpu.CpuUse) -> dict[str, float]:
    """Add CPU per request (server, database) and the throughput that CPU alone allows."""
    per_request = use.per_request_ms(int(row["n"]))
    spent = per_request.get("server_cpu_ms", 0.0) + per_request.get("db_cpu_ms", 0.0)
    ceiling = (os.cpu_count() or 1) * 1000 / spent if spent > 0 else float("nan")
    return row | per_request | {"cpu_ceiling_per_s": ceiling}
