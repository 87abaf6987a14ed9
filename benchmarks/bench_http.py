"""End-to-end HTTP numbers: issuance throughput, verification latency, bulk issuance.

Each database gets a real server (`credex serve --workers 2`) on loopback; load comes from `wrk`
(16 connections, bounded in time): issuance gives every request a new learner, verification
cycles through 200 distinct credentials. Bulk issuance posts 10,000 rows and polls the job,
first with one server, then with two `credex serve` processes on the same database.

The lean reference app (`benchmarks.lean_app`: pydantic body, Ed25519 over ~2.4 KB of JSON, one
ORM INSERT, 2 uvicorn workers) is measured in the same run on the same kind of database; the
`× lean` column is credex's server CPU per request divided by the lean app's. On a shared
machine absolute numbers move with the neighbours' load; the ratio, taken minutes apart in the
same conditions, is the figure to compare.
"""

from __future__ import annotations

import os
import time
from typing import Any

import httpx

from benchmarks import cpu, wrk
from benchmarks.server import running_lean, running_server

CONNECTIONS = 16
BULK_ROWS = int(os.environ.get("CREDEX_BENCH_BULK_ROWS", "10000"))  # 0: no bulk measurement
VERIFY_POOL = 200  # distinct credentials, verified in turn
WARM_UP_SECONDS = 3  # wrk's minimum granularity is a second; the warm-up is not measured
DATABASES = tuple(os.environ.get("CREDEX_BENCH_DATABASES", "sqlite,postgresql").split(","))


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


def _bulk(url: str, token: str, achievement_id: str, rows: int, tag: str) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    items = [
        {"achievement_id": achievement_id, "learner": {"email": f"bulk-{tag}{n}@example.org"}}
        for n in range(rows)
    ]
    started = time.perf_counter()
    response = httpx.post(
        f"{url}/api/v1/credentials/batch", json={"items": items}, headers=headers, timeout=300
    )
    response.raise_for_status()
    job_id = response.json()["job_id"]
    while True:
        polled = httpx.get(f"{url}/api/v1/jobs/{job_id}", headers=headers, timeout=30)
        if polled.status_code != 200:  # e.g. a 429 or a 503 while the machine is saturated
            print(f"job poll answered {polled.status_code}: {polled.text[:200]}", flush=True)
            time.sleep(1)
            continue
        job = polled.json()
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


def run(seconds: float, databases: tuple[str, ...] = DATABASES) -> dict[str, dict[str, float]]:
    if not wrk.available():
        raise SystemExit("the HTTP benchmark needs wrk: apt-get install wrk")
    duration = max(5, int(seconds))
    results: dict[str, dict[str, float]] = _Shown()
    for database in databases:
        with running_lean(database, workers=2) as lean:
            for measured_seconds in (WARM_UP_SECONDS, duration):  # warm-up run discarded
                with cpu.measured(lean.pid) as use:
                    row = wrk.post_load(
                        f"{lean.url}/issue",
                        _issue_body("lean"),
                        token=None,
                        connections=CONNECTIONS,
                        seconds=measured_seconds,
                    )
        reference = _with_cpu(row, use)
        lean_ms = reference.get("server_cpu_ms", float("nan"))
        results[f"[{database}] lean app issuance, 2 workers"] = reference | {"x_lean": 1.0}
        with running_server(database, workers=2) as server:
            wrk.post_load(  # warm-up, discarded: first requests fill caches and pools
                f"{server.url}/api/v1/credentials",
                _issue_body(server.achievement_id),
                token=server.issuer_token,
                connections=CONNECTIONS,
                seconds=WARM_UP_SECONDS,
            )
            for label, headers in (("", {}), (", return=minimal", {"Prefer": "return=minimal"})):
                with cpu.measured(server.pid) as use:
                    row = wrk.post_load(
                        f"{server.url}/api/v1/credentials",
                        _issue_body(server.achievement_id),
                        token=server.issuer_token,
                        connections=CONNECTIONS,
                        seconds=duration,
                        headers=headers,
                    )
                results[f"[{database}] credex issuance{label}"] = _ratio(
                    _with_cpu(row, use), lean_ms
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
            results[f"[{database}] credex verification"] = _ratio(_with_cpu(row, use), lean_ms)
            if BULK_ROWS <= 0:
                continue
            with cpu.measured(server.pid) as use:
                row = _bulk(server.url, server.issuer_token, server.achievement_id, BULK_ROWS, "a")
            results[f"[{database}] bulk {BULK_ROWS}, one server"] = _with_cpu(row, use)
            if database == "postgresql":
                with running_server(database, workers=2, reuse=server) as second:
                    with cpu.measured(server.pid) as use, cpu.measured(second.pid) as use2:
                        row = _bulk(
                            server.url, server.issuer_token, server.achievement_id, BULK_ROWS, "b"
                        )
                    use.server_s += use2.server_s
                    results[f"[{database}] bulk {BULK_ROWS}, two servers"] = _with_cpu(row, use)
    return results


class _Shown(dict[str, dict[str, float]]):
    """Results that are also printed as they come (a long run that fails later keeps them)."""

    def __setitem__(self, key: str, row: dict[str, float]) -> None:
        super().__setitem__(key, row)
        shown = " ".join(f"{name}={value:.2f}" for name, value in row.items())
        print(f"{key}: {shown}", flush=True)


def _ratio(row: dict[str, float], lean_ms: float) -> dict[str, float]:
    return row | {"x_lean": row.get("server_cpu_ms", float("nan")) / lean_ms}


def _with_cpu(row: dict[str, float], use: cpu.CpuUse) -> dict[str, float]:
    """Add CPU per request (server, database) and the throughput that CPU alone allows."""
    per_request = use.per_request_ms(int(row["n"]))
    spent = per_request.get("server_cpu_ms", 0.0) + per_request.get("db_cpu_ms", 0.0)
    ceiling = (os.cpu_count() or 1) * 1000 / spent if spent > 0 else float("nan")
    return row | per_request | {"cpu_ceiling_per_s": ceiling}
