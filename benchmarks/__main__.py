"""Run the benchmarks: `python -m benchmarks [core ...] [--seconds S]`; prints a table, writes JSON.

Results go to `benchmarks/results/<name>.json` (not committed). Benchmarks are not tests: numbers
depend on the machine; the README and issue notes record what was measured where.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import bench_core, bench_http


def fastpath_proof(seconds: float) -> dict[str, dict[str, Any]]:
    """The differential test with a large budget (CI runs a bounded one)."""
    examples = max(2000, int(seconds * 1000))
    started = time.perf_counter()
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/core/test_fastcanon_differential.py",
        ],
        env={**os.environ, "CREDEX_FASTPATH_EXAMPLES": str(examples)},
    )
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit("fast path differs from the general path: see the failure above")
    return {
        f"differential examples ({examples}), all identical": {
            "ops_per_s": examples / elapsed,
            "p50_ms": 0.0,
            "p99_ms": 0.0,
            "n": examples,
        }
    }


SUITES = {"core": bench_core.run, "http": bench_http.run, "fastpath-proof": fastpath_proof}
RESULTS = Path(__file__).parent / "results"


EXTRA_COLUMNS = {  # shown when a suite reports them
    "server_cpu_ms": "srv CPU ms",
    "db_cpu_ms": "db CPU ms",
    "cpu_ceiling_per_s": "CPU cap/s",
    "x_lean": "x lean",
}


def print_table(name: str, results: dict[str, dict[str, Any]]) -> None:
    extra = [key for key in EXTRA_COLUMNS if any(key in row for row in results.values())]
    print(f"\n## {name}")
    header = f"{'operation':<48} {'ops/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'n':>7}"
    print(header + "".join(f" {EXTRA_COLUMNS[key]:>11}" for key in extra))
    for operation, row in results.items():
        line = (
            f"{operation:<48} {row['ops_per_s']:>10.1f} {row['p50_ms']:>8.2f} "
            f"{row['p99_ms']:>8.2f} {row['n']:>7}"
        )
        print(line + "".join(f" {row.get(key, float('nan')):>11.2f}" for key in extra))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("suites", nargs="*", default=["core", "http"], choices=list(SUITES))
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    for name in args.suites:
        results = SUITES[name](args.seconds)
        print_table(name, results)
        payload = {
            "suite": name,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "cpu": platform.processor()},
            "results": results,
        }
        (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
