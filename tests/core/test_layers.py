"""The dependency direction reads from the layout: stacking builds on issuance and verification,
so neither of those imports stacking, and verification does not import issuance (issue 13 §15).
"""

from __future__ import annotations

import ast
from pathlib import Path

import credex

SRC = Path(credex.__file__).parent


def _imports(package: str) -> list[tuple[str, str]]:
    found = []
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path.name, node.module))
            elif isinstance(node, ast.Import):
                found += [(path.name, alias.name) for alias in node.names]
    return found


def _offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{package}/{module}: {name}"
        for module, name in _imports(package)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_issuance_imports_neither_stacking_nor_verification() -> None:
    assert _offenders("issuance", ("credex.stacking", "credex.verification")) == []


def test_verification_imports_neither_issuance_nor_stacking() -> None:
    assert _offenders("verification", ("credex.issuance", "credex.stacking")) == []
