"""The shipped JSON-LD contexts are byte-exact copies of the published documents."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import credex.core

CONTEXTS = Path(credex.core.__file__).parent / "contexts"
# Rows of INDEX.md tables: | `url` | `file` ... | source | `sha256` | bytes |
ROW = re.compile(
    r"^\|[^|]*\|\s*`([^`]+\.(?:jsonld|json))`[^|]*\|[^|]*\|\s*`([0-9a-f]{64})`\s*\|\s*(\d+)\s*\|"
)


def _index_rows() -> list[tuple[str, str, int]]:
    rows = []
    for line in (CONTEXTS / "INDEX.md").read_text().splitlines():
        match = ROW.match(line)
        if match:
            rows.append((match.group(1), match.group(2), int(match.group(3))))
    return rows


def test_index_lists_every_shipped_file() -> None:
    listed = {name for name, _, _ in _index_rows()}
    shipped = {p.name for p in CONTEXTS.iterdir() if p.suffix in (".json", ".jsonld")}
    upstream = shipped - {"credex-v1.jsonld"}  # credex's own context is not an upstream copy
    assert len(listed) >= 29
    assert upstream == listed


def test_each_context_matches_its_published_sha256() -> None:
    for name, sha, size in _index_rows():
        data = (CONTEXTS / name).read_bytes()
        assert len(data) == size, name
        assert hashlib.sha256(data).hexdigest() == sha, name
