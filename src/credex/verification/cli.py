"""`credex verify PATH_OR_URL`: the verification report in a terminal, or as JSON.

Works without a database: did:key, keys embedded in the credential and baked images verify
offline; with network access, did:web documents, controller documents and status lists are
fetched through the same guarded fetcher as the service (including this service's own, over
HTTPS). `--documents DIR` pins DID documents and status list credentials (JSON files, each
answered for its `id`), so did:web issuers and their status lists verify offline too. The
credex context is known at every credex deployment's URL (it is the same document everywhere).
Exit status: 0 verified, 1 not verified, 2 bad usage (no such file, URL offline).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from credex.core.credex_context import accept_credex_context_at_any_origin
from credex.core.verification.inputs import MAX_INPUT_BYTES
from credex.settings import Settings
from credex.verification.service import Submission, make_fetcher, verify_submission
from credex.verification.words import TRUST_WORDS, described_checks

Echo = Callable[..., None]
VERIFIED, NOT_VERIFIED, BAD_USAGE = 0, 1, 2


def run_verify(
    target: str,
    *,
    settings: Settings,
    echo: Echo,
    as_json: bool = False,
    email: str | None = None,
    offline: bool = False,
    documents: str | None = None,
) -> int:
    accept_credex_context_at_any_origin()
    pinned: dict[str, Any] = {}
    if documents is not None:
        try:
            pinned = pinned_documents(Path(documents))
        except PinnedDocumentError as exc:
            echo(f"error: {exc}", err=True)
            return BAD_USAGE
    is_url = target.startswith(("http://", "https://"))
    if is_url and offline:
        echo("error: a URL cannot be verified with --offline; download it first", err=True)
        return BAD_USAGE
    if is_url:
        submission = Submission(kind="url", data=target, email=email)
    else:
        path = Path(target)
        if not path.is_file():
            echo(f"error: no such file: {target}", err=True)
            return BAD_USAGE
        if path.stat().st_size > MAX_INPUT_BYTES:
            echo(f"error: {target} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB", err=True)
            return BAD_USAGE
        submission = Submission(kind="file", data=path.read_bytes(), email=email)
    fetcher = None if offline else make_fetcher(settings)
    result = verify_submission(None, settings, submission, fetcher=fetcher, pinned=pinned)
    if as_json:
        echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for line in readable(result):
            echo(line)
    return VERIFIED if result["verified"] else NOT_VERIFIED


class PinnedDocumentError(Exception):
    """The --documents folder cannot be read; the message says which file and why."""


def pinned_documents(folder: Path) -> dict[str, Any]:
    """Every `*.json`/`*.jsonld` document in `folder` by its `id` (a DID document by its DID, a
    status list credential by its URL)."""
    if not folder.is_dir():
        raise PinnedDocumentError(f"no such folder: {folder}")
    found: dict[str, Any] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".json", ".jsonld") or not path.is_file():
            continue
        try:
            document = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise PinnedDocumentError(f"{path.name} is not a JSON document: {exc}") from exc
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise PinnedDocumentError(f"{path.name} has no `id` to be found by")
        found[document["id"]] = document
    return found


def readable(result: dict[str, Any], indent: str = "") -> list[str]:
    verdict = "✔ VERIFIED" if result["verified"] else "✖ NOT VERIFIED"
    lines = [f"{indent}{verdict}{_title(result)}"]
    summary = result.get("credential")
    if summary:
        issuer = summary["issuer"]
        name = issuer.get("name") or issuer.get("id") or "an unnamed issuer"
        trust = TRUST_WORDS[issuer["trust"]["status"]]
        lines.append(f"{indent}  issued by {name} ({trust.lower()})")
        if summary["learner"]["name"]:
            lines.append(f"{indent}  awarded to {summary['learner']['name']}")
    for check in described_checks(result["checks"]):
        lines.append(
            f"{indent}  {check['symbol']} {check['label']}: {check['word']}. {check['detail']}"
        )
    for index, nested in enumerate(result.get("credentials") or [], start=1):
        lines.append(f"{indent}  credential {index}:")
        lines.extend(readable(nested, indent + "    "))
    return lines


def _title(result: dict[str, Any]) -> str:
    if result.get("format") == "presentation":
        return " — a presentation"
    summary = result.get("credential") or {}
    name = summary.get("name") or (summary.get("achievement") or {}).get("name")
    return f" — {name}" if name else ""
