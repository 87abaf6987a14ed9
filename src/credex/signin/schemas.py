"""API shapes for sign-in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from credex.learners.fields import Email


class MagicLinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class MagicLinkSent(BaseModel):
    detail: str
    expires_in_minutes: int


class TokenExchange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class LearnerTokenRead(BaseModel):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name
    email: str
    expires_at: datetime
