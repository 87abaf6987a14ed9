"""Signing a bulk chunk on every core: the credentials of one chunk are signed in parallel.

Bulk issuance spends about two thirds of its time signing (canonicalization is pure Python, so
threads would not help: the GIL). A chunk is therefore split into one part per process of a
small process pool, which signs with `credex.core.sign_credential` exactly as the single path
does; the parent keeps building, storing and auditing.

The pool uses the "spawn" start method: the parent is a multi-threaded server process, and
forking one is unsafe (a lock held by another thread stays locked forever in the child). Its
processes import only `credex.core`.

Key handling: a part carries the issuer's 32-byte Ed25519 seed to the pool process over a
local pipe (no disk, no network); the process keeps nothing between parts. The seed is in the
parent's memory anyway while it signs (see `credex.keys.signer`), and the pool processes are
the service's own children, so the trust boundary does not change.
"""

from __future__ import annotations

import atexit
import json
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, NamedTuple

from credex.core import Ed25519Signer, sign_credential
from credex.core.credex_context import register_credex_context
from credex.core.keys import Signer

# Below this many credentials the hand-off costs more than the second core saves.
MIN_PARALLEL = 48


def default_processes() -> int:
    return os.cpu_count() or 1


def signed_text(credential: dict[str, Any], signer: Signer, fmt: str) -> str:
    """The credential exactly as stored: compact JSON with its proof, or a compact JWS."""
    if fmt == "jwt":
        return sign_credential(credential, signer, format="jwt")
    signed = sign_credential(credential, signer)
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def sign_all(
    credentials: Sequence[dict[str, Any]],
    formats: Sequence[str],
    signer: Signer,
    seed: bytes | None,
    *,
    processes: int,
    base_url: str,
) -> list[str]:
    """Each credential signed in its format, in order; in parallel when it is worth it.

    `seed` is the signer's private key seed (needed only for parallel signing; None forces the
    in-process path). `base_url`: the deployment's origin, whose credex JSON-LD context the pool
    processes must know too. Core errors propagate as raised by `sign_credential`.
    """
    if seed is None or processes < 2 or len(credentials) < MIN_PARALLEL:
        return [signed_text(c, signer, f) for c, f in zip(credentials, formats, strict=True)]
    pool = _pool.get(processes)
    size = -(-len(credentials) // processes)  # ceiling division: one part per process
    parts = [
        pool.submit(
            _sign_part,
            base_url,
            _Key(seed, signer.controller, signer.verification_method),
            list(credentials[start : start + size]),
            list(formats[start : start + size]),
        )
        for start in range(0, len(credentials), size)
    ]
    return [text for part in parts for text in part.result()]


class _Key(NamedTuple):
    seed: bytes
    controller: str
    verification_method: str


def _sign_part(
    base_url: str, key: _Key, credentials: list[dict[str, Any]], formats: list[str]
) -> list[str]:
    """Runs in a pool process."""
    register_credex_context(base_url)  # idempotent; a spawned process starts without it
    signer = Ed25519Signer.from_seed(
        key.seed, controller=key.controller, verification_method=key.verification_method
    )
    return [signed_text(c, signer, f) for c, f in zip(credentials, formats, strict=True)]


class _SharedPool:
    """One lazily started pool per process, restarted only when its size changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._size = 0

    def get(self, processes: int) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None or self._size != processes:
                if self._executor is not None:
                    self._executor.shutdown(wait=False, cancel_futures=True)
                context = multiprocessing.get_context("spawn")
                self._executor = ProcessPoolExecutor(max_workers=processes, mp_context=context)
                self._size = processes
            return self._executor

    def shutdown(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None


_pool = _SharedPool()


def shutdown_pool() -> None:
    """Stop the pool processes (application shutdown; harmless when none were started)."""
    _pool.shutdown()


atexit.register(shutdown_pool)
