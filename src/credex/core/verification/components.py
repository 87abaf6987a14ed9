"""The `components` check: a stacked credential's components are still valid and unchanged.

A stacked credential lists its components as VC DM 2.0 §5.3 `relatedResource` entries (`id` +
`digestMultibase`); any credential may list resources so, e.g. the JSON-LD contexts it uses,
whose digest is then checked against the exact bytes credex ships for that URL. For each one the
verifier was given (`documents`, keyed by the id URL) or can resolve: the digest must match the
component as issued (§5.3: a mismatch MUST be an error) and a component that is a credential
must itself verify: signature good, not revoked, not expired. A component that fails makes the
check fail and names it the way a person would ("Component 'IP basics' was revoked": its
achievement's name, never a raw URL when the component says what it is). Components that cannot
be obtained (private, offline) leave the check undecided, as a warning: the stacked credential's
own proof and status still stand on their own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from typing import Any

from credex.core.jsonld import context_bytes
from credex.core.stacking.digest import component_bytes, digest_matches
from credex.core.verification.context import MAX_DEPTH, VerifyContext
from credex.core.verification.report import VerificationReport
from credex.core.verification.summary import summarize_credential

Verifier = Callable[[Any, VerifyContext], VerificationReport]
_SRI_ALGORITHMS = {"sha256", "sha384", "sha512"}


def check_components(
    report: VerificationReport, credential: dict[str, Any], ctx: VerifyContext, verify: Verifier
) -> None:
    resources = _components(credential)
    if not resources:
        return
    if ctx.depth >= MAX_DEPTH:
        report.add("components", "skipped", "components nested too deep to check", required=False)
        return
    failed: list[str] = []
    missing: list[str] = []
    for resource in resources:
        outcome = _check_one(resource, ctx, verify, report)
        if outcome == "missing":
            missing.append(resource["id"])
        elif outcome is not None:
            failed.append(outcome)
    total = len(resources)
    if failed:
        report.add("components", "failed", "; ".join(failed))
    elif missing:
        detail = (
            f"{total - len(missing)} of {total} component(s) verified; "
            f"not available to check: {', '.join(missing)}"
        )
        report.add("components", "error", detail, required=False)
    else:
        report.add("components", "passed", f"all {total} component(s) valid and unchanged")


def _components(credential: dict[str, Any]) -> list[dict[str, Any]]:
    """Every `relatedResource` entry with an `id` (components and JSON-LD contexts alike)."""
    value = credential.get("relatedResource")
    entries = value if isinstance(value, list) else [value]
    return [
        entry for entry in entries if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    ]


def _check_one(
    resource: dict[str, Any], ctx: VerifyContext, verify: Verifier, report: VerificationReport
) -> str | None:
    """None when valid, "missing" when unavailable, else a sentence naming the resource."""
    shipped = context_bytes(resource["id"])
    if shipped is not None:
        # A context credex ships is what it processes the credential with: its digest must
        # match those exact bytes (§5.3: a mismatch MUST be an error).
        matches = _digests_match(resource, shipped)
        if matches:
            return None
        return f"Resource '{resource['id']}' does not match the context credex uses"
    return _check_component(resource, ctx, verify, report)


def _check_component(
    resource: dict[str, Any], ctx: VerifyContext, verify: Verifier, report: VerificationReport
) -> str | None:
    document = _obtain(resource["id"], ctx)
    if document is None:
        return "missing"
    credential = _as_credential(document)
    name = _component_name(credential, resource["id"])
    if not _digests_match(resource, document):
        return f"Component '{name}' was changed after the stacked credential was issued"
    if credential is None:
        return None  # not a credential (an image, a document): the digest is all there is
    nested = verify(credential, ctx.deeper())
    report.nested.setdefault("components", []).append(nested)
    if not nested.verified:
        return f"Component '{name}' {_what_went_wrong(nested)}"
    found_id = (nested.credential or {}).get("id")
    if found_id is not None and found_id != resource["id"]:
        return f"Component '{name}' is a different credential from the one listed"
    return None


def _what_went_wrong(nested: VerificationReport) -> str:
    """The first reason a component does not count, in words (revoked before expired...)."""
    failing = {c.id: c for c in nested.checks if c.required and c.outcome != "passed"}
    if "format" in failing:
        return "cannot be read"
    if "proof" in failing:
        return "was changed after it was issued"
    status = failing.get("status")
    if status is not None and status.outcome == "failed":
        return "was suspended" if status.detail.startswith("suspended") else "was revoked"
    validity = failing.get("validity")
    if validity is not None and validity.outcome == "failed":
        return "has expired" if validity.detail.startswith("expired") else "is not valid yet"
    if "components" in failing:
        return "has a component that is not valid"
    first = next(iter(failing.values()), None)
    return f"does not verify: {first.detail}" if first else "does not verify"


def _component_name(credential: Any, fallback: str) -> str:
    if isinstance(credential, dict):
        summary = summarize_credential(credential)
        name = summary["achievement"]["name"] or summary["name"]
        if name:
            return str(name)
    return fallback


def _obtain(url: str, ctx: VerifyContext) -> Any:
    try:
        return ctx.document(url)
    except Exception:  # a lazy mapping that fetches may fail: the component is unavailable
        return None


def _digests_match(resource: dict[str, Any], document: Any) -> bool:
    if not isinstance(document, str | bytes | dict):
        return False
    multibase = resource.get("digestMultibase")
    if multibase is not None and digest_matches(multibase, document) is False:
        return False
    sri = resource.get("digestSRI")
    return not isinstance(sri, str) or _sri_matches(sri, component_bytes(document)) is not False


def _sri_matches(expression: str, data: bytes) -> bool | None:
    """Subresource Integrity `alg-base64` digests (whitespace-separated); None: none readable."""
    checked = False
    for item in expression.split():
        algorithm, _, encoded = item.partition("-")
        if algorithm not in _SRI_ALGORITHMS:
            continue
        try:
            expected = base64.b64decode(encoded.split("?")[0], validate=True)
        except (binascii.Error, ValueError):
            continue
        if hashlib.new(algorithm, data).digest() != expected:
            return False
        checked = True
    return True if checked else None


def _as_credential(document: Any) -> dict[str, Any] | str | None:
    """The document as something `verify` takes, when it is a credential (JSON or VC-JWT)."""
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(document, str):
        text = document.strip()
        if text.count(".") == 2 and not text.startswith("{"):
            return text
        try:
            document = json.loads(text)
        except ValueError:
            return None
    if not isinstance(document, dict):
        return None
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    return document if "VerifiableCredential" in types else None
