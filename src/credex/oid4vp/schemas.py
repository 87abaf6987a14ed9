"""API shapes for presentation requests (`/api/v1/presentation-requests`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Preset = Literal["micro-credential", "eu-learning-credential", "achievement", "min-eqf", "claims"]
ResponseMode = Literal["direct_post", "direct_post.jwt"]
RequestState = Literal["pending", "verified", "failed", "expired"]


class PresentationRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    preset: Preset | None = Field(
        default=None, description="what to ask for; becomes a DCQL query (see the README)"
    )
    achievement_id: uuid.UUID | None = Field(default=None, description="preset `achievement`")
    min_eqf: int | None = Field(default=None, ge=1, le=8, description="preset `min-eqf`")
    claims: (
        list[Literal["name", "achievement", "eqf", "date", "issuer", "ects", "outcomes"]] | None
    ) = Field(default=None, description="preset `claims`: only these claims")
    dcql_query: dict[str, Any] | None = Field(
        default=None, description="instead of a preset: a DCQL query (OpenID4VP 1.0 §6)"
    )
    response_mode: ResponseMode = "direct_post"

    @model_validator(mode="after")
    def _preset_or_query(self) -> PresentationRequestCreate:
        if (self.preset is None) == (self.dcql_query is None):
            raise ValueError("give either a preset or a dcql_query")
        return self


class PresentationRequestCreated(BaseModel):
    id: uuid.UUID
    request_uri: str = Field(description="openid4vp:// link for a QR code or a same-device button")
    request_object_uri: str = Field(description="where the wallet fetches the signed request")
    client_id: str
    expires_at: datetime
    status_url: str


class PresentationRequestRead(BaseModel):
    id: uuid.UUID
    state: RequestState
    preset: str
    response_mode: ResponseMode
    dcql_query: dict[str, Any]
    expires_at: datetime
    answered_at: datetime | None
    report: dict[str, Any] | None = Field(
        description="the verification report once the wallet answered; nothing else is kept"
    )
