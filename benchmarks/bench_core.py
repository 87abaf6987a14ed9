"""Core sign/verify throughput on one core: operations per second for a realistic credential.

Besides whole operations, `steps` times each step of a fast-path sign and verify on its own
(VC DM validation, the two canonicalizations, Ed25519, proofValue coding, the copy): a step's
cost in µs is 10⁶ / its ops/s (the JSON also has its p50 unrounded).
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from benchmarks.samples import micro_credential
from credex.core import Ed25519Signer, sign_credential, verify_credential
from credex.core.canon import canonicalize, fast_path
from credex.core.credentials.schema import validate_ob_schema
from credex.core.fastcanon import copy_document
from credex.core.multiformats import decode_base58btc, encode_base58btc
from credex.core.proofs import verify_proofs
from credex.core.vcdm import validate_credential


def rate(operation: Callable[[], Any], seconds: float) -> dict[str, float]:
    """Run `operation` repeatedly for about `seconds`; ops/s and latency percentiles.

    `cpu_ops_per_s` divides by the CPU time this process got instead of the wall time: on a
    machine shared with other work it is the steadier figure (on an idle one they agree).
    """
    operation()  # warm caches (contexts, processed type-scoped contexts)
    timings: list[float] = []
    cpu_started = time.process_time()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        operation()
        timings.append(time.perf_counter() - started)
    cpu = time.process_time() - cpu_started
    timings.sort()
    total = sum(timings)
    return {
        "ops_per_s": len(timings) / total,
        "cpu_ops_per_s": len(timings) / cpu if cpu else 0.0,
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
    return results | steps(pool, signed, signer, seconds / 2)


def steps(
    pool: list[dict[str, Any]],
    signed: list[dict[str, Any]],
    signer: Ed25519Signer,
    seconds: float,
) -> dict[str, dict[str, float]]:
    """Each step of a fast-path sign / verify alone, over the same distinct credentials."""
    cycle = itertools.cycle(range(len(pool)))
    configs = [_proof_configuration(credential) for credential in signed]
    key = signer.public_key
    data = bytes(64)
    signature = signer.sign(data)
    proof_value = encode_base58btc(signature)
    return {
        "[fast] step: VC DM validation": rate(
            lambda: validate_credential(pool[next(cycle)]), seconds
        ),
        "[fast] step: OB JSON Schema (verify)": rate(
            lambda: validate_ob_schema(signed[next(cycle)]), seconds
        ),
        "[fast] step: canonicalize credential": rate(
            lambda: canonicalize(pool[next(cycle)]), seconds
        ),
        "[fast] step: canonicalize proof config": rate(
            lambda: canonicalize(configs[next(cycle)]), seconds
        ),
        "[fast] step: copy credential (sign)": rate(
            lambda: copy_document(pool[next(cycle)]), seconds
        ),
        "step: Ed25519 sign": rate(lambda: signer.sign(data), seconds),
        "step: Ed25519 verify": rate(lambda: key.verify(signature, data), seconds),
        "step: proofValue base58 encode": rate(lambda: encode_base58btc(signature), seconds),
        "step: proofValue base58 decode": rate(lambda: decode_base58btc(proof_value), seconds),
    }


def _proof_configuration(credential: dict[str, Any]) -> dict[str, Any]:
    """What eddsa-rdfc-2022 canonicalizes besides the document: the proof options + @context."""
    proof = credential["proof"]
    options = proof[0] if isinstance(proof, list) else proof
    config = {key: value for key, value in options.items() if key != "proofValue"}
    return config | {"@context": credential["@context"]}
