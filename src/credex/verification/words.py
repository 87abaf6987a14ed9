"""The report in plain words, shared by the web pages and the command line.

The words are English; `N_` puts them in the gettext catalogues, and the verification pages
show them in the interface language (`| known` in `verify/_result.html`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from credex.i18n import N_

CHECK_LABELS = {
    "complexity": N_("Size and complexity"),
    "format": N_("Credential format"),
    "ob_schema": N_("Open Badges 3.0 rules"),
    "contexts": N_("Vocabulary (JSON-LD contexts)"),
    "seal": N_("Electronic seal (JAdES)"),
    "proof": N_("Digital signature"),
    "key_binding": N_("Signing key belongs to the issuer"),
    "issuer": N_("Issuer is known"),
    "accreditation": N_("Provider is accredited"),
    "validity": N_("Validity period"),
    "status": N_("Revocation status"),
    "recipient": N_("Recipient"),
    "endorsements": N_("Endorsements"),
    "holder": N_("Presented by its holder"),
    "components": N_("Related resources and components"),
    "compatibility": N_("Current standards"),
}
OUTCOME_WORDS = {
    "passed": N_("Passed"),
    "failed": N_("Failed"),
    "error": N_("Could not check"),
    "skipped": N_("Not checked"),
    "warning": N_("Warning"),
}
SYMBOLS = {"passed": "✔", "failed": "✖", "error": "?", "skipped": "–", "warning": "!"}
TRUST_WORDS = {
    "this-service": N_("Registered with this service"),
    "trusted-list": N_("On this service's trusted issuers list"),
    "accredited": N_("Accredited provider"),
    "accreditation-expired": N_("Accreditation expired"),
    "unknown": N_("Unknown issuer: not on this service's trusted list"),
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
        N_("It is small and simple enough to check safely."),
        N_("It is too large or too repetitive to check safely, so it was not checked."),
    ),
    "format": (N_("It is a well-formed credential."), N_("It is not a well-formed credential.")),
    "ob_schema": (
        N_("It follows the Open Badges 3.0 rules."),
        N_("It breaks the Open Badges 3.0 rules."),
    ),
    "contexts": (
        N_("Every term in it has a known meaning, so the signature covers all of it."),
        N_("Some of its content would not be covered by the signature."),
    ),
    "proof": (
        N_("It has not been changed since it was signed."),
        N_("Its signature does not match: it was changed, or not signed by this key."),
    ),
    "key_binding": (
        N_("It was signed with a key that belongs to the issuer."),
        N_("The signing key does not belong to the issuer, or was compromised when it signed."),
    ),
    "issuer": (
        N_("The issuer is known to this service."),
        N_("This service does not know the issuer: decide whether you trust them."),
    ),
    "accreditation": (
        N_("The provider holds a current accreditation, as stated."),
        N_("The provider's accreditation expired, or the registry does not know the provider."),
    ),
    "validity": (N_("It is within its validity period."), N_("It is outside its validity period.")),
    "status": (N_("The issuer has not revoked or suspended it."), N_("The issuer withdrew it.")),
    "recipient": (
        N_("It was issued to the email address you entered."),
        N_("It was not issued to the email address you entered."),
    ),
    "endorsements": (
        N_("Its endorsements are genuine."),
        N_("An endorsement could not be verified."),
    ),
    "holder": (
        N_("It was presented by the person it names as holder."),
        N_("It was not signed by the holder it names."),
    ),
    "components": (
        N_("The credentials it combines are unchanged and still valid."),
        N_("A credential it combines was changed, revoked or does not verify."),
    ),
    "compatibility": (
        N_("It uses the current standards."),
        N_("It uses an older form of the standards, still accepted."),
    ),
}


def meaning(check_id: str, outcome: str) -> str:
    passed, failed = MEANINGS.get(check_id, ("", ""))
    if outcome == "passed":
        return passed
    if outcome in ("failed", "warning"):
        return failed
    if outcome == "error":
        return N_("This could not be checked.")
    return N_("This was not checked.")


def human_date(value: str | None) -> str | None:
    """`2025-01-01T00:00:00Z` → `1 January 2025` (the time of day rarely matters to a reader)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return f"{moment.day} {moment.strftime('%B %Y')}"
