"""API shapes for the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel


class ActorRead(BaseModel):
    role: str
    token_id: uuid.UUID | None
    name: str


class AuditEntryRead(BaseModel):
    id: uuid.UUID
    created_at: datetime
    action: str
    issuer_id: uuid.UUID | None
    credential_id: uuid.UUID | None
    actor: ActorRead
    reason: str | None
    details: dict[str, Any]
    # The contract's names (API.md): when, what kind of object, which, and what changed.
    at: datetime
    object_type: str | None
    object_id: str | None
    changes: dict[str, Any]
