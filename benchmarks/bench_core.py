"""Core sign/verify throughput on one core: operations per second for a realistic credential."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from benchmarks.samples import micro_credential
from credex.core import Ed25519Signer, sign_credential, verify_credential
from credex.core.canon import canonicalize, fast_path
from credex.core.proofs import verify_proofs


def rate(operation: Callable[[], Any], seconds: float) -> dict[str, float]:
    """Run `operation` repeatedly for about `seconds`; ops/s and latency percentiles."""
    operation()  # warm caches (contexts, processed type-scoped contexts)
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        operation()
        timings.append(time.perf_counter() - started)
    timings.sort()
    total = sum(timings)
    return {
        "ops_per_s": len(timings) / total,
        "p50_ms": timings[len(timings) // 2] * 1000,
        "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000,
        "n": len(timings),
    }


def run(seconds: float) -> dict[str, dict[str, float]]:
    """Both canonicalization paths; each signs distinct credentials (fresh ids and hashes)."""
    signer = Ed25519Signer.from_seed(bytes(range(32)))
    # More distinct credentials than the fast path keeps recent results for: no cache hits.
    pool = [micro_credential(signer.controller, email=f"l{n}@example.org", n=n) for n in range(400)]
    signed = [sign_credential(c, signer) for c in pool]
    jws = sign_credential(pool[0], signer, format="jwt")
    size = len(json.dumps(pool[0]))
    cycle = itertools.cycle(range(len(pool)))
    results: dict[str, dict[str, float]] = {}
    for path, enabled in (("fast", True), ("general", False)):
        fast_path.enabled = enabled
        try:
            results |= {
                f"[{path}] canonicalize ({size} B)": rate(
                    lambda: canonicalize(pool[next(cycle)]), seconds
                ),
                f"[{path}] sign eddsa-rdfc-2022": rate(
                    lambda: sign_credential(pool[next(cycle)], signer), seconds
                ),
                f"[{path}] verify proof eddsa-rdfc-2022": rate(
                    lambda: verify_proofs(signed[next(cycle)]), seconds
                ),
                f"[{path}] verify, full report": rate(
                    lambda: verify_credential(signed[next(cycle)]), seconds
                ),
            }
        finally:
            fast_path.enabled = True
    results["sign VC-JWT EdDSA"] = rate(
        lambda: sign_credential(pool[0], signer, format="jwt"), seconds
    )
    results["verify VC-JWT, full report"] = rate(lambda: verify_credential(jws), seconds)
    return results
