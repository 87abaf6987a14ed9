"""credex.core stays pure, and its public surface does not drift by accident."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import credex.core

CORE = Path(credex.core.__file__).parent
FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "httpx", "alembic", "uvicorn", "credex.db")


def test_core_source_imports_no_framework() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(CORE)}: {name}"
                for name in names
                if name.split(".")[0] in FORBIDDEN
                or name.startswith("credex.db")
                or (name.startswith("credex.") and not name.startswith("credex.core"))
            ]
    assert offenders == []


def test_importing_core_loads_no_framework() -> None:
    code = (
        "import sys, json, credex.core, credex.core.verification;"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{FORBIDDEN!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_public_facade_is_stable() -> None:
    assert set(credex.core.__all__) == {
        "Check",
        "CoreError",
        "Ed25519Signer",
        "InvalidCredentialError",
        "PublicKey",
        "Signer",
        "VerificationReport",
        "sign_credential",
        "verify_credential",
    }
    for name in credex.core.__all__:
        assert getattr(credex.core, name) is not None


def test_signer_defaults_to_did_key() -> None:
    signer = credex.core.Ed25519Signer.from_seed(bytes(32))
    assert signer.controller.startswith("did:key:z6Mk")
    assert signer.verification_method == f"{signer.controller}#{signer.controller[8:]}"
    custom = credex.core.Ed25519Signer.from_seed(
        bytes(32), controller="did:web:example.org", verification_method="did:web:example.org#key-1"
    )
    assert custom.controller == "did:web:example.org"
    assert custom.verification_method == "did:web:example.org#key-1"
