"""Credentials from other issuers that a learner brings: verified first, re-checked at award.

`add_external_credential` runs the full verification (proof, issuer key, status, recipient =
the learner's e-mail). A credential that fails a check is refused (422, nothing stored); one
whose checks could not all be decided (a status list or DID that could not be fetched) is kept
as unverified and counts only once a later check succeeds. The text is kept exactly as
submitted: a stacked credential lists its digest.

Open Badges 2.0 assertions (format `ob2`: hosted JSON or a signed JWS) take the same path with
the OB 2.0 verifier (`credex.stacking.external_ob2`); their facts come from the hosted copy, the
BadgeClass and the issuer Profile, and are refreshed when a re-check verifies them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from credex.core.jwt import looks_like_jws
from credex.core.ob2 import Ob2Report, is_ob2
from credex.core.stacking import component_digest
from credex.core.verification import Check, VerificationReport, summarize_credential
from credex.db.base import utcnow
from credex.db.models import ExternalCredential, Learner
from credex.errors import InvalidInput, NotFound, field_error
from credex.settings import Settings
from credex.stacking import external_ob2, repository
from credex.verification.service import Verifier, make_fetcher

Raw = str | bytes | Mapping[str, Any]


def add_external_credential(
    session: Session, learner_id: uuid.UUID, raw: Raw, settings: Settings
) -> ExternalCredential:
    """Verify and keep a credential for the learner; the same credential twice is kept once."""
    learner = session.get(Learner, learner_id)
    if learner is None:
        raise NotFound(f"no learner {learner_id}")
    content = _as_text(raw)
    digest = component_digest(content)
    existing = repository.external_by_digest(session, learner.id, digest)
    if existing is not None:
        return existing
    if is_ob2(content):
        checked = _checked_ob2(settings, content, learner.email)
    else:
        checked = _checked(session, settings, content, learner.email)
    values = checked | {
        "issuer_id": learner.issuer_id,
        "learner_id": learner.id,
        "content": content,
        "digest": digest,
        "checked_at": utcnow(),
    }
    stored = repository.insert_external(session, values)
    return stored or _concurrently_added(session, learner.id, digest)


def _checked(
    session: Session, settings: Settings, content: str, email: str | None
) -> dict[str, Any]:
    """Format, facts and verification result of an OB 3.0 / VC credential; 422 if it fails."""
    report = _verify(session, settings, content, email)
    _refuse_failed(report.checks)
    if report.credential is None:
        raise InvalidInput("the credential does not verify", errors=[])
    return _facts(report.credential) | {
        "format": "jwt" if looks_like_jws(content) else "ldp",
        "verified": report.verified,
        "checks": [check.to_dict() for check in report.checks],
    }


def _checked_ob2(settings: Settings, content: str, email: str | None) -> dict[str, Any]:
    """The same for an Open Badges 2.0 assertion."""
    report = external_ob2.verify_assertion(settings, content, email)
    _refuse_failed(report.checks)
    return external_ob2.assertion_facts(report) | {
        "format": "ob2",
        "verified": report.verified,
        "checks": [check.to_dict() for check in report.checks],
    }


def _refuse_failed(checks: Iterable[Check]) -> None:
    failed = [c for c in checks if c.required and c.outcome == "failed"]
    if failed:
        raise InvalidInput(
            "the credential does not verify",
            errors=[field_error("/credential", f"{c.id}: {c.detail}") for c in failed],
        )


def recheck(session: Session, rows: Iterable[ExternalCredential], settings: Settings) -> bool:
    """Verify again (revoked since? key gone?); True when every one still verifies."""
    all_good = True
    for row in rows:
        learner = session.get(Learner, row.learner_id)
        email = learner.email if learner else None
        if row.format == "ob2":
            report: VerificationReport | Ob2Report = external_ob2.verify_assertion(
                settings, row.content, email
            )
        else:
            report = _verify(session, settings, row.content, email)
        row.verified = report.verified
        row.checked_at = utcnow()
        row.checks = [check.to_dict() for check in report.checks]
        if isinstance(report, Ob2Report) and report.verified:
            for name, value in external_ob2.assertion_facts(report).items():
                setattr(row, name, value)  # first kept while its documents were unreachable
        all_good = all_good and report.verified
    return all_good


def _verify(
    session: Session, settings: Settings, content: str, email: str | None
) -> VerificationReport:
    return Verifier(session, settings, make_fetcher(settings)).run(content, email=email)


def _as_text(raw: Raw) -> str:
    if isinstance(raw, Mapping):
        return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    return text.strip() if looks_like_jws(text.strip()) else text


def _facts(credential: dict[str, Any]) -> dict[str, Any]:
    """What a rule can count, read from the verified credential."""
    summary = summarize_credential(credential)
    achievement_id = summary["achievement"]["id"]
    if not achievement_id:
        raise InvalidInput(
            "only Open Badges achievement credentials can count towards a pathway",
            errors=[field_error("/credential/credentialSubject/achievement/id", "missing")],
        )
    alignments = list(_alignments(_achievement(credential)))
    return {
        "credential_url": summary["id"],
        "credential_issuer": summary["issuer"]["id"] or "",
        "achievement_key": achievement_id,
        "achievement_name": (summary["achievement"]["name"] or achievement_id)[:500],
        "awarded_at": _date(summary["awarded"] or summary["valid_from"]),
        "ects_credits": _decimal(summary["ects"]),
        "eqf_level": summary["eqf_level"],
        "framework_ids": sorted(
            {a["targetFramework"] for a in alignments if "targetFramework" in a}
        ),
        "competency_codes": sorted({a["targetCode"] for a in alignments if "targetCode" in a}),
    }


def _achievement(credential: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    found = subject.get("achievement") if isinstance(subject, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def _alignments(achievement: Mapping[str, Any]) -> Iterable[dict[str, str]]:
    """Every alignment of the achievement and of its credex learning outcomes, string fields."""
    groups = [achievement.get("alignment")]
    outcomes = achievement.get("learningOutcome")
    for outcome in outcomes if isinstance(outcomes, list) else []:
        if isinstance(outcome, Mapping):
            groups.append(outcome.get("alignment"))
    for group in groups:
        for item in group if isinstance(group, list) else []:
            if isinstance(item, Mapping):
                yield {k: v for k, v in item.items() if isinstance(v, str)}


def _date(text: str | None) -> datetime:
    try:
        value = datetime.fromisoformat(text) if text else utcnow()
    except ValueError:
        return utcnow()
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _decimal(text: str | None) -> Decimal | None:
    try:
        value = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return value if value is not None and 0 <= value < 1000 else None


def _concurrently_added(session: Session, learner_id: uuid.UUID, digest: str) -> ExternalCredential:
    found = repository.external_by_digest(session, learner_id, digest)
    if found is None:  # pragma: no cover - the conflict proves the row exists
        raise InvalidInput("the credential changed concurrently; retry")
    return found
