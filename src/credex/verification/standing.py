"""One standing per credential, in plain words, for the wallet, the credential page and the API.

A credential has one status whoever looks at it. The verification report decides it for anything
credex is shown (`standing_of_report`); the wallet, which lists the learner's own credentials
without re-verifying each signature, reaches the same answer from the same facts held in the
database (`standing_of_row`): revocation, then a revoked component, then the validity period,
then a signature made with a key after its reported compromise.
The words are what a person reads: "Revoked by Example College on 3 May 2026: issued in error",
"Changed after it was issued", "Component 'IP basics' was revoked".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from credex.verification.words import human_date

StandingState = Literal[
    "active",
    "revoked",
    "suspended",
    "expired",
    "not_yet_valid",
    "component_revoked",
    "component_invalid",
    "changed",
    "unreadable",
    "not_verified",
    "unknown",
    "no_status",
]
STATE_LABELS: dict[str, str] = {
    "active": "Valid",
    "revoked": "Revoked",
    "suspended": "Suspended",
    "expired": "Expired",
    "not_yet_valid": "Not yet valid",
    "component_revoked": "Component revoked",
    "component_invalid": "Component not valid",
    "changed": "Changed after it was issued",
    "unreadable": "Not readable",
    "not_verified": "Not verified",
    "unknown": "Status unknown",
    "no_status": "Valid",
}
GOOD_STATES = frozenset({"active", "no_status"})


@dataclass(frozen=True)
class Standing:
    state: StandingState
    words: str

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def good(self) -> bool:
        return self.state in GOOD_STATES

    def to_dict(self) -> dict[str, str]:
        return {"state": self.state, "label": self.label, "words": self.words}


def revoked_words(issuer: str | None, when: str | datetime | None, reason: str | None) -> str:
    """`Revoked by <issuer> on <date>: <the reason the issuer made public>`."""
    text = f"Revoked by {issuer or 'its issuer'}"
    day = human_date(when.isoformat() if isinstance(when, datetime) else when)
    if day:
        text += f" on {day}"
    if reason and reason.strip():
        text += f": {reason.strip()}"
    return text


def component_words(name: str, what: str) -> str:
    return f"Component '{name}' {what}"


def _check(checks: Sequence[dict[str, Any]], check_id: str) -> dict[str, Any] | None:
    return next((c for c in checks if c["id"] == check_id), None)


def _failed(check: dict[str, Any] | None) -> bool:
    return check is not None and check["outcome"] == "failed"


def _unreadable(check: dict[str, Any], _issuer: str | None, _info: dict[str, Any]) -> Standing:
    return Standing("unreadable", f"Not a credential we can read: {check['detail']}")


def _changed(_check: dict[str, Any], _issuer: str | None, _info: dict[str, Any]) -> Standing:
    return Standing("changed", "Changed after it was issued")


def _withdrawn(check: dict[str, Any], issuer: str | None, info: dict[str, Any]) -> Standing:
    if str(check["detail"]).startswith("suspended"):
        return Standing("suspended", f"Suspended by {issuer or 'its issuer'}")
    return Standing("revoked", revoked_words(issuer, info.get("revoked_at"), info.get("reason")))


def _component(check: dict[str, Any], _issuer: str | None, _info: dict[str, Any]) -> Standing:
    detail = str(check["detail"])
    return Standing("component_revoked" if "was revoked" in detail else "component_invalid", detail)


def _out_of_period(check: dict[str, Any], _issuer: str | None, _info: dict[str, Any]) -> Standing:
    detail = str(check["detail"])
    moment = human_date(detail.rsplit(" ", 1)[-1])
    if detail.startswith("expired"):
        return Standing("expired", f"Expired on {moment}")
    if detail.startswith("not valid before"):
        return Standing("not_yet_valid", f"Not valid until {moment}")
    return Standing("not_verified", "Its validity dates cannot be read")


def compromised_key_words(issuer: str | None) -> str:
    return f"Signed with a key {issuer or 'its issuer'} reported stolen or compromised"


def _wrong_key(check: dict[str, Any], issuer: str | None, _info: dict[str, Any]) -> Standing:
    if "was compromised from" in str(check["detail"]):
        return Standing("not_verified", compromised_key_words(issuer))
    return Standing("not_verified", "Not signed with a key of the issuer it names")


# The first failed check in this order decides the words: what matters most to a reader first.
_DECIDING = (
    ("format", _unreadable),
    ("proof", _changed),
    ("status", _withdrawn),
    ("components", _component),
    ("validity", _out_of_period),
    ("key_binding", _wrong_key),
)


def standing_of_report(
    checks: Sequence[dict[str, Any]],
    issuer_name: str | None,
    revocation: dict[str, Any] | None = None,
) -> Standing:
    """The standing a report shows: the first thing that is wrong, said plainly.

    `revocation` (`{"revoked_at", "reason"}`) is what credex knows of its own revoked credentials;
    other issuers publish only a bit, so their revocations read "Revoked by <issuer>".
    """
    format_check = _check(checks, "format")
    if format_check is not None and format_check["outcome"] == "error":
        return _unreadable(format_check, issuer_name, {})
    for check_id, decide in _DECIDING:
        check = _check(checks, check_id)
        if check is not None and _failed(check):
            return decide(check, issuer_name, revocation or {})
    blocking = next(
        (c for c in checks if c.get("required", True) and c["outcome"] in ("failed", "error")),
        None,
    )
    if blocking is not None:
        if blocking["outcome"] == "error":
            return Standing("unknown", f"Could not be checked: {blocking['detail']}")
        return Standing("not_verified", f"Not verified: {blocking['detail']}")
    status = _check(checks, "status")
    if status is None or status["outcome"] == "skipped":
        return Standing("no_status", "Valid (its issuer publishes no revocation status)")
    return Standing("active", "Valid")


def standing_of_row(
    *,
    revoked_at: datetime | None,
    public_reason: str | None,
    suspended: bool = False,
    issuer_name: str,
    revoked_components: Sequence[str],
    valid_from: datetime,
    valid_until: datetime | None,
    now: datetime,
    key_compromised: bool = False,
) -> Standing:
    """The same standing from what the database knows of one of credex's own credentials.

    `key_compromised`: signed by a key at or after its reported compromise, which the verifier's
    key binding check refuses (`credex.keys.compromise`); it comes last, as in `_DECIDING`.
    """
    if revoked_at is not None:
        return Standing("revoked", revoked_words(issuer_name, revoked_at, public_reason))
    if suspended:
        return Standing("suspended", f"Suspended by {issuer_name}")
    if revoked_components:
        return Standing(
            "component_revoked",
            "; ".join(component_words(name, "was revoked") for name in revoked_components),
        )
    return _period_then_key(valid_from, valid_until, now, issuer_name, key_compromised)


def _period_then_key(
    valid_from: datetime,
    valid_until: datetime | None,
    now: datetime,
    issuer_name: str,
    key_compromised: bool,
) -> Standing:
    if valid_until is not None and valid_until <= now:
        return Standing("expired", f"Expired on {human_date(valid_until.isoformat())}")
    if valid_from > now:
        return Standing("not_yet_valid", f"Not valid until {human_date(valid_from.isoformat())}")
    if key_compromised:
        return Standing("not_verified", compromised_key_words(issuer_name))
    return Standing("active", "Valid")
