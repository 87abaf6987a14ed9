"""API shapes for learners."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from credex.learners.fields import Did, Email, ExternalId, PersonName, PreferredLanguage


class LearnerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    name: PersonName | None = None
    did: Did | None = None
    external_id: ExternalId | None = None
    preferred_language: PreferredLanguage | None = None  # BCP 47; credentials default to it
    issuer_id: uuid.UUID | None = None  # admins: which issuer's learner


class LearnerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    issuer_id: uuid.UUID
    email: str
    name: str | None
    did: str | None
    external_id: str | None
    preferred_language: str | None = None
    created_at: datetime
    updated_at: datetime
