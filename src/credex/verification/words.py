"""The report in plain words, shared by the web pages and the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

CHECK_LABELS = {
    "complexity": "Size and complexity",
    "format": "Credential format",
    "ob_schema": "Open Badges 3.0 rules",
    "contexts": "Vocabulary (JSON-LD contexts)",
    "seal": "Electronic seal (JAdES)",
    "proof": "Digital signature",
    "key_binding": "Signing key belongs to the issuer",
    "issuer": "Issuer is known",
    "accreditation": "Provider is accredited",
    "validity": "Validity period",
    "status": "Revocation status",
    "recipient": "Recipient",
    "endorsements": "Endorsements",
    "holder": "Presented by its holder",
    "components": "Related resources and components",
    "compatibility": "Current standards",
}
OUTCOME_WORDS = {
    "passed": "Passed",
    "failed": "Failed",
    "error": "Could not check",
    "skipped": "Not checked",
    "warning": "Warning",
}
SYMBOLS = {"passed": "✔", "failed": "✖", "error": "?", "skipped": "–", "warning": "!"}
TRUST_WORDS = {
    "this-service": "Registered with this service",
    "trusted-list": "On this service's trusted issuers list",
    "accredited": "Accredited provider",
    "accreditation-expired": "Accreditation expired",
    "unknown": "Unknown issuer: not on this service's trusted list",
}


def display_outcome(check: dict[str, Any]) -> str:
    """passed/failed/error/skipped, or `warning` for a failure that does not count."""
    if not check.get("required", True) and check["outcome"] in ("failed", "error"):
        return "warning"
    return str(check["outcome"])


def described_checks(checks: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "id": check["id"],
            "label": CHECK_LABELS.get(check["id"], check["id"].replace("_", " ").capitalize()),
            "outcome": display_outcome(check),
            "word": OUTCOME_WORDS[display_outcome(check)],
            "symbol": SYMBOLS[display_outcome(check)],
            "meaning": meaning(check["id"], display_outcome(check)),
            "detail": check["detail"],
        }
        for check in checks
    ]


# What each check means for the person reading the result, when it passed and when it did not.
MEANINGS = {
    "complexity": (
        "It is small and simple enough to check safely.",
        "It is too large or too repetitive to check safely, so it was not checked.",
    ),
    "format": ("It is a well-formed credential.", "It is not a well-formed credential."),
    "ob_schema": ("It follows the Open Badges 3.0 rules.", "It breaks the Open Badges 3.0 rules."),
    "contexts": (
        "Every term in it has a known meaning, so the signature covers all of it.",
        "Some of its content would not be covered by the signature.",
    ),
    "proof": (
        "It has not been changed since it was signed.",
        "Its signature does not match: it was changed, or not signed by this key.",
    ),
    "key_binding": (
        "It was signed with a key that belongs to the issuer.",
        "The signing key does not belong to the issuer, or was compromised when it signed.",
    ),
    "issuer": (
        "The issuer is known to this service.",
        "This service does not know the issuer: decide whether you trust them.",
    ),
    "accreditation": (
        "The provider holds a current accreditation, as stated.",
        "The provider's accreditation expired, or the registry does not know the provider.",
    ),
    "validity": ("It is within its validity period.", "It is outside its validity period."),
    "status": ("The issuer has not revoked or suspended it.", "The issuer withdrew it."),
    "recipient": (
        "It was issued to the email address you entered.",
        "It was not issued to the email address you entered.",
    ),
    "endorsements": ("Its endorsements are genuine.", "An endorsement could not be verified."),
    "holder": (
        "It was presented by the person it names as holder.",
        "It was not signed by the holder it names.",
    ),
    "components": (
        "The credentials it combines are unchanged and still valid.",
        "A credential it combines was changed, revoked or does not verify.",
    ),
    "compatibility": (
        "It uses the current standards.",
        "It uses an older form of the standards, still accepted.",
    ),
}


def meaning(check_id: str, outcome: str) -> str:
    passed, failed = MEANINGS.get(check_id, ("", ""))
    if outcome == "passed":
        return passed
    if outcome in ("failed", "warning"):
        return failed
    if outcome == "error":
        return "This could not be checked."
    return "This was not checked."


def human_date(value: str | None) -> str | None:
    """`2025-01-01T00:00:00Z` → `1 January 2025` (the time of day rarely matters to a reader)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return f"{moment.day} {moment.strftime('%B %Y')}"
