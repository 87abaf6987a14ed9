"""Recognition of prior learning (RPL): apply, document, be assessed, be certified.

Council Recommendation of 20 December 2012 on the validation of non-formal and informal
learning (2012/C 398/01), point 3: identification, documentation, assessment, certification.
A learner applies for a published achievement and describes their experience per learning
outcome (identification), adds evidence: links, text and files (documentation), may keep a
draft; the issuer's assessors review each outcome, ask for more evidence, accept or decline
with reasons (assessment); acceptance issues the credential with the evidence and the
assessment type "recognition of prior learning" (certification). Every stage is audited and
the learner is e-mailed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.audit import service as audit
from credex.db.base import utcnow
from credex.db.models import Achievement, EvidenceFile, RecognitionApplication
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.issuance.schemas import EvidenceIn, IssueRequest, LearnerRef
from credex.issuance.service import issue_credential
from credex.settings import Settings
from credex.signin.mailer import Mail, deliver

RPL = "recognition of prior learning"
EDITABLE = ("draft", "more_evidence")
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 10
# Accepted types, recognised by their first bytes (never by the name or the declared type).
_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def outcome_ids(achievement: Achievement) -> list[str]:
    """Learning outcomes are addressed by their position, 1-based, as the public page lists."""
    return [str(number) for number in range(1, len(achievement.learning_outcomes) + 1)]


def _achievement(session: Session, achievement_id: uuid.UUID) -> Achievement:
    found = session.get(Achievement, achievement_id)
    if found is None or found.status != "published":
        raise NotFound(f"no published achievement {achievement_id}")
    return found


def _check_outcomes(achievement: Achievement, outcomes: Sequence[dict[str, Any]]) -> None:
    known = set(outcome_ids(achievement))
    errors = [
        field_error(f"/outcomes/{index}/outcome_id", f"not an outcome of this achievement: {known}")
        for index, entry in enumerate(outcomes)
        if entry["outcome_id"] not in known
    ]
    if errors:
        raise InvalidInput("unknown learning outcome(s)", errors=errors)


def apply(
    session: Session, settings: Settings, email: str, actor: str, data: dict[str, Any]
) -> RecognitionApplication:
    achievement = _achievement(session, data["achievement_id"])
    _check_outcomes(achievement, data["outcomes"])
    row = RecognitionApplication(
        email=email,
        name=data.get("name"),
        achievement_id=achievement.id,
        issuer_id=achievement.issuer_id,
        state="draft",
        statement=data.get("statement") or "",
        outcomes=data["outcomes"],
        evidence=data["evidence"],
        decisions=[],
    )
    session.add(row)
    session.flush()
    _audit(session, row, actor, "recognition.identified")
    if data.get("submit", True):
        submit(session, settings, row, actor)
    return row


def update(
    session: Session,
    settings: Settings,
    row: RecognitionApplication,
    actor: str,
    data: dict[str, Any],
) -> RecognitionApplication:
    if row.state not in EDITABLE:
        raise Conflict(f"an application that is {row.state} can no longer be changed")
    achievement = _achievement(session, row.achievement_id)
    if data.get("outcomes") is not None:
        _check_outcomes(achievement, data["outcomes"])
        row.outcomes = data["outcomes"]
    if data.get("evidence") is not None:
        row.evidence = data["evidence"]
    if data.get("statement") is not None:
        row.statement = data["statement"]
    _audit(session, row, actor, "recognition.documented")
    if data.get("submit"):
        submit(session, settings, row, actor)
    session.flush()
    return row


def submit(session: Session, settings: Settings, row: RecognitionApplication, actor: str) -> None:
    if not row.outcomes and not row.statement:
        raise InvalidInput("describe your experience before submitting")
    row.state = "submitted"
    row.submitted_at = utcnow()
    _audit(session, row, actor, "recognition.submitted")
    _notify(session, settings, row, "Your application was received and will be assessed.")


def add_file(
    session: Session, row: RecognitionApplication, actor: str, filename: str, data: bytes
) -> EvidenceFile:
    if row.state not in EDITABLE:
        raise Conflict(f"an application that is {row.state} takes no more evidence")
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"a file may be at most {MAX_FILE_BYTES // (1024 * 1024)} MB")
    count = len(
        session.scalars(select(EvidenceFile.id).where(EvidenceFile.application_id == row.id)).all()
    )
    if count >= MAX_FILES:
        raise Conflict(f"an application holds at most {MAX_FILES} files")
    content_type = sniff(data)
    if content_type is None:
        raise InvalidInput("files must be PDF, PNG, JPEG or plain UTF-8 text")
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._- ")[:200] or "evidence"
    stored = EvidenceFile(
        application_id=row.id,
        filename=safe_name,
        content_type=content_type,
        size=len(data),
        data=data,
        created_at=utcnow(),
    )
    session.add(stored)
    session.flush()
    _audit(session, row, actor, "recognition.documented", file=stored.filename)
    return stored


def sniff(data: bytes) -> str | None:
    for signature, content_type in _SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if "\x00" not in text else None


def files_of(session: Session, row: RecognitionApplication) -> Sequence[EvidenceFile]:
    stmt = select(EvidenceFile).where(EvidenceFile.application_id == row.id)
    return session.scalars(stmt.order_by(EvidenceFile.created_at)).all()


def file_of(session: Session, row: RecognitionApplication, file_id: uuid.UUID) -> EvidenceFile:
    found = session.get(EvidenceFile, file_id)
    if found is None or found.application_id != row.id:
        raise NotFound("no such evidence file")
    return found


def decide(
    session: Session,
    settings: Settings,
    row: RecognitionApplication,
    actor: str,
    decision: dict[str, Any],
) -> RecognitionApplication:
    """The assessment: per-outcome judgements, then more evidence, decline, or accept (issues)."""
    if row.state != "submitted":
        raise Conflict(f"only a submitted application can be assessed (this one is {row.state})")
    achievement = _achievement(session, row.achievement_id)
    _check_outcomes(achievement, decision["outcomes"])
    outcome = decision["outcome"]
    if outcome == "accepted":
        unmet = [o["outcome_id"] for o in decision["outcomes"] if not o["met"]]
        if unmet:
            raise InvalidInput(f"outcomes not met cannot be accepted: {', '.join(unmet)}")
    elif not decision.get("comment"):
        raise InvalidInput(
            "give the learner the reasons", errors=[field_error("/comment", "required")]
        )
    row.decisions = [*row.decisions, {**decision, "at": utcnow().isoformat(), "by": actor}]
    row.decided_at = utcnow()
    _audit(session, row, actor, "recognition.assessed", outcome=outcome)
    if outcome == "more_evidence":
        row.state = "more_evidence"
        _notify(
            session, settings, row, f"The assessor asks for more evidence: {decision['comment']}"
        )
    elif outcome == "declined":
        row.state = "declined"
        _notify(session, settings, row, f"Your application was declined: {decision['comment']}")
    else:
        credential = issue_credential(
            session,
            row.issuer_id,
            _award_request(session, settings, row, achievement),
            settings,
            actor=actor,
        )
        row.state = "accepted"
        row.credential_id = credential.id
        _audit(session, row, actor, "recognition.certified", credential_id=str(credential.id))
        _notify(
            session,
            settings,
            row,
            "Your prior learning was recognised: the credential is in your wallet.",
        )
    session.flush()
    return row


def _award_request(
    session: Session, settings: Settings, row: RecognitionApplication, achievement: Achievement
) -> IssueRequest:
    """OB 3.0 `evidence`: the learner's statements, links and files, each of genre RPL."""
    base = achievement_url(achievement.id, settings.base_url)
    evidence = [
        EvidenceIn(
            name=f"Learning outcome {entry['outcome_id']}",
            narrative=entry["text"],
            genre=RPL,
            description=f"Statement for {base} outcome {entry['outcome_id']}",
        )
        for entry in row.outcomes
    ]
    for item in row.evidence:
        if item.get("url"):
            evidence.append(EvidenceIn(id=item["url"], name="Linked evidence", genre=RPL))
        elif item.get("text"):
            evidence.append(EvidenceIn(narrative=item["text"], name="Written evidence", genre=RPL))
    for stored in files_of(session, row):
        evidence.append(
            EvidenceIn(
                name=stored.filename,
                description=f"{stored.content_type}, {stored.size} bytes",
                genre=RPL,
            )
        )
    return IssueRequest(
        achievement_id=achievement.id,
        learner=LearnerRef(email=row.email, name=row.name),
        evidence=evidence[:20],
        narrative=(
            "Awarded through recognition of prior learning (validation of non-formal and "
            "informal learning): the learner's evidence was assessed against each learning outcome."
        ),
    )


def _audit(
    session: Session, row: RecognitionApplication, actor: str, action: str, **details: Any
) -> None:
    audit.record(
        session,
        action=action,
        actor=actor,
        issuer_id=row.issuer_id,
        details={"application_id": str(row.id), "state": row.state, **details},
    )


def _notify(session: Session, settings: Settings, row: RecognitionApplication, text: str) -> None:
    body = f"{text}\n\nFollow every stage in your wallet: {settings.base_url}/wallet/recognition\n"
    deliver(
        session,
        settings,
        Mail(to=row.email, subject="Recognition of prior learning", body=body, kind="recognition"),
    )


def queue(
    session: Session, issuer_id: uuid.UUID | None, state: str | None
) -> Sequence[RecognitionApplication]:
    stmt = select(RecognitionApplication)
    if issuer_id is not None:
        stmt = stmt.where(RecognitionApplication.issuer_id == issuer_id)
    if state:
        stmt = stmt.where(RecognitionApplication.state == state)
    return session.scalars(
        stmt.order_by(RecognitionApplication.submitted_at, RecognitionApplication.created_at).limit(
            200
        )
    ).all()


def of_learner(session: Session, email: str) -> Sequence[RecognitionApplication]:
    stmt = select(RecognitionApplication).where(RecognitionApplication.email == email)
    return session.scalars(stmt.order_by(RecognitionApplication.created_at.desc())).all()


def delete_applications_of(session: Session, email: str) -> None:
    """Account deletion: applications and their evidence files go with it."""
    ids = select(RecognitionApplication.id).where(RecognitionApplication.email == email)
    session.execute(delete(EvidenceFile).where(EvidenceFile.application_id.in_(ids)))
    session.execute(delete(RecognitionApplication).where(RecognitionApplication.email == email))
