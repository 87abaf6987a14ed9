"""Demo credentials (idempotent): three learners holding some of the component achievements.

Each award uses a fixed Idempotency-Key, so running the demo again replays the same credentials
instead of issuing new ones. One credential is public, so the public page has something to show.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from credex.audit.actors import system_actor
from credex.db.models import Achievement, Credential, Issuer
from credex.issuance.schemas import EvidenceIn, IssueRequest, LearnerRef, ResultIn
from credex.issuance.service import issue_credential
from credex.settings import Settings

DEMO_ACTOR = system_actor("demo loader")
# (email, name, [(component position, grade, format, public)])
DEMO_AWARDS: list[tuple[str, str, list[tuple[int, str, str, bool]]]] = [
    (
        "giulia.rossi@example.org",
        "Giulia Rossi",
        [(0, "Distinction", "ldp", True), (1, "Merit", "ldp", False), (2, "Pass", "ldp", False)],
    ),
    ("tomas.novak@example.org", "Tomáš Novák", [(2, "Merit", "jwt", False)]),
    (
        "amira.haddad@example.org",
        "Amira Haddad",
        [(0, "Pass", "ldp", False), (1, "Merit", "ldp", False)],
    ),
]
ACTIVITY_START = datetime(2025, 2, 3, 9, 0, tzinfo=UTC)
ACTIVITY_END = datetime(2025, 3, 28, 17, 0, tzinfo=UTC)


def ensure_demo_credentials(
    session: Session, settings: Settings, issuer: Issuer, achievements: list[Achievement]
) -> list[Credential]:
    """The demo awards of the component (stackable) achievements; issued once."""
    components = [item for item in achievements if item.stacks_into]
    credentials = []
    for email, name, awards in DEMO_AWARDS:
        for position, grade, fmt, public in awards:
            if position >= len(components):
                continue
            achievement = components[position]
            request = IssueRequest(
                achievement_id=achievement.id,
                learner=LearnerRef(email=email, name=name),
                format=fmt,
                result=ResultIn(value=grade) if achievement.result_descriptions else None,
                evidence=[
                    EvidenceIn(
                        name="Final project",
                        narrative=f"{name} completed and presented the final project.",
                    )
                ],
                activity_start=ACTIVITY_START,
                activity_end=ACTIVITY_END,
                public=public,
            )
            key = f"demo:{email}:{achievement.id}"
            credentials.append(
                issue_credential(
                    session, issuer.id, request, settings, actor=DEMO_ACTOR, idempotency_key=key
                )
            )
    return credentials
