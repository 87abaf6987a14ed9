"""Drive a server with `wrk` (Debian package) on loopback and parse its latency report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

# Each request gets a learner e-mail no other request (of this run or an earlier one) used, so
# every POST issues a new credential to a new learner: the run's prefix, wrk's thread number and
# a per-thread counter.
_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
{auth}
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("number", threads)
end
local counter = 0
local template = [[{body}]]
request = function()
  counter = counter + 1
  local unique = "{run}-" .. tostring(number) .. "-" .. tostring(counter)
  local body = string.gsub(template, "@N@", unique)
  return wrk.format(nil, nil, nil, body)
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def post_load(
    url: str,
    body: dict[str, Any],
    *,
    token: str | None,
    connections: int,
    seconds: int,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    """POST `body` (with @N@ replaced per request) for `seconds`; requests/s and latencies."""
    extra = {**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
    auth = "\n".join(f'wrk.headers["{name}"] = "{value}"' for name, value in extra.items())
    script = _SCRIPT.format(auth=auth, body=json.dumps(body), run=uuid.uuid4().hex[:12])
    return _run(url, script, connections=connections, seconds=seconds)


# Each request posts the next of a fixed list of bodies (distinct credentials to verify).
_CYCLE_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {{
{bodies}
}}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])
end
"""


def post_cycle(
    url: str, bodies: list[dict[str, Any]], *, connections: int, seconds: int
) -> dict[str, float]:
    """POST the bodies in turn, for `seconds`; requests/s and latencies."""
    # Lua long strings with a level-3 delimiter: JSON never contains "]===]".
    lines = ",\n".join(f"[===[{json.dumps(body)}]===]" for body in bodies)
    return _run(url, _CYCLE_SCRIPT.format(bodies=lines), connections=connections, seconds=seconds)


def _run(url: str, script: str, *, connections: int, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                handle.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        Path(handle.name).unlink(missing_ok=True)
    return _parse(output)


def _latency(text: str, label: str) -> float:
    match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def _parse(output: str) -> dict[str, float]:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    requests = re.search(r"(\d+) requests in", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "ops_per_s": float(rate.group(1)) if rate else 0.0,
        "p50_ms": _latency(output, "50%"),
        "p99_ms": _latency(output, "99%"),
        "n": int(requests.group(1)) if requests else 0,
        "non_2xx": int(errors.group(1)) if errors else 0,
    }
