"""API shapes for issuing credentials (see `schemas/issue-request.schema.json`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

CredentialFormat = Literal["ldp", "jwt"]
CredentialStatus = Literal["active", "revoked"]


class LearnerRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    did: str | None = None
    external_id: str | None = None


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str | None = None
    status: str | None = None


class IssueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    achievement_id: uuid.UUID
    learner: LearnerRef | None = None
    learner_id: uuid.UUID | None = None
    format: CredentialFormat = "ldp"
    evidence: list[EvidenceIn] = Field(default_factory=list)
    narrative: str | None = None
    result: ResultIn | None = None
    activity_start: datetime | None = None
    activity_end: datetime | None = None
    awarded_date: datetime | None = None
    valid_from: datetime | None = None
    public: bool | None = None
    issuer_id: uuid.UUID | None = None


class IssuedRead(BaseModel):
    id: uuid.UUID
    status: CredentialStatus
    credential: dict[str, Any] | None = None
    jwt: str | None = None
