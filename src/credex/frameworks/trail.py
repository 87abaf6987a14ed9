"""Framework changes in the audit log (platform-wide: no issuer)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from credex.audit import service as audit


def record_framework_change(
    session: Session,
    action: str,
    actor: str | None,
    framework_id: uuid.UUID,
    details: dict[str, Any] | None = None,
) -> None:
    """`actor` None: a caller that predates the audit trail (nothing is recorded)."""
    if actor is None:
        return
    audit.record(
        session,
        action=action,
        actor=actor,
        issuer_id=None,
        object_type="framework",
        object_id=str(framework_id),
        details=details or {},
    )
