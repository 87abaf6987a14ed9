"""CPU seconds spent by the server (its process tree) and by PostgreSQL, read from /proc.

Throughput on a saturated machine is bounded by CPU: requests/s ≤ cores / (CPU seconds per
request, summed over every process that works on it). Measuring the server's and the
database's CPU per request therefore says what limits a number and what a target would need.
Linux only (the benchmark machine); elsewhere the readings are NaN.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PROC = Path("/proc")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds) of a process, or None when it is gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    # fields[1] is the parent pid; fields[11], fields[12] are utime and stime (stat(5) 14, 15)
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def _all() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in _PROC.iterdir() if _PROC.is_dir() else []:
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def tree_cpu(root: int) -> float:
    """CPU seconds of `root` and all its descendants (uvicorn workers, signing pools)."""
    processes = _all()
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        if pid in processes:
            total += processes[pid][2]
        stack.extend(children.get(pid, []))
    return total


def named_cpu(name: str) -> float:
    """CPU seconds of every process called `name` (PostgreSQL's backends: "postgres")."""
    return sum(cpu for command, _, cpu in _all().values() if command == name)


@dataclass
class CpuUse:
    server_s: float = 0.0
    database_s: float = 0.0

    def per_request_ms(self, requests: int) -> dict[str, float]:
        if requests <= 0:
            return {}
        return {
            "server_cpu_ms": self.server_s / requests * 1000,
            "db_cpu_ms": self.database_s / requests * 1000,
        }


@contextmanager
def measured(server_pid: int) -> Iterator[CpuUse]:
    """CPU the server tree and PostgreSQL used during the block."""
    use = CpuUse()
    server, database = tree_cpu(server_pid), named_cpu("postgres")
    yield use
    use.server_s = tree_cpu(server_pid) - server
    use.database_s = named_cpu("postgres") - database
