"""Queue a notification in the issuing transaction (one multi-row INSERT; nothing is sent here).

Kept off the issuance hot path's cost: no rendering, no mail, no offer. The sender
(`sender.py`) works from the queue in the background. The unique `credential_id` makes a second
enqueue of one credential impossible.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import Achievement, CredentialNotification


def wanted(achievement: Achievement, requested: bool = True) -> bool:
    """Mail the learner unless the achievement or the request turned it off."""
    return bool(achievement.notify_learners) and requested


def enqueue(session: Session, credential_ids: Iterable[uuid.UUID]) -> None:
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "credential_id": credential_id,
            "state": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        for credential_id in credential_ids
    ]
    if rows:
        session.execute(insert(CredentialNotification), rows)
