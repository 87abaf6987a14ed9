"""API shapes for verification: the `/api/v1/verify` request and the trusted-issuer list."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from credex.db.models import TrustedIssuer

_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
INPUT_FIELDS = ("credential", "jwt", "url", "presentation")

Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=320)]


class VerifyRequest(BaseModel):
    """Exactly one of `credential`, `jwt`, `url`, `presentation`; `email` to check the recipient."""

    model_config = ConfigDict(extra="forbid")

    credential: dict[str, Any] | None = None
    jwt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048)] | None = None
    presentation: dict[str, Any] | None = None
    email: Email | None = None
    challenge: str | None = Field(default=None, description="presentations: expected challenge")
    domain: str | None = Field(default=None, description="presentations: expected domain")

    @model_validator(mode="after")
    def _exactly_one_input(self) -> VerifyRequest:
        given = [name for name in INPUT_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of credential, jwt, url or presentation"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self

    @property
    def input_kind(self) -> str:
        return next(name for name in INPUT_FIELDS if getattr(self, name) is not None)


class TrustedIssuerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    issuer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] | None = None

    @field_validator("issuer")
    @classmethod
    def _did_or_url(cls, value: str) -> str:
        if not (_DID.match(value) or _URL.match(value)):
            raise ValueError(
                "must be the issuer id as credentials state it: a DID or an http(s) URL"
            )
        return value


class TrustedIssuerRead(BaseModel):
    id: uuid.UUID
    issuer: str
    name: str
    note: str | None
    created_at: datetime

    @classmethod
    def build(cls, row: TrustedIssuer) -> TrustedIssuerRead:
        return cls(
            id=row.id, issuer=row.issuer, name=row.name, note=row.note, created_at=row.created_at
        )


class CheckRead(BaseModel):
    id: str = Field(description="format, ob_schema, contexts, proof, key_binding, issuer, ...")
    outcome: Literal["passed", "failed", "error", "skipped"]
    detail: str
    required: bool = Field(description="false: shown as a warning, does not change the verdict")
    problem_type: str | None = None


class VerificationRead(BaseModel):
    """A verification report. Presentations add `holder` and one report per credential."""

    verified: bool
    format: str = Field(description="ldp, jwt, presentation or unknown")
    container: str | None = Field(default=None, description="json, text, png or svg")
    input: str | None = None
    checks: list[CheckRead]
    warnings: list[str]
    credential: dict[str, Any] | None = Field(
        default=None, description="summary: issuer (with trust), learner, achievement, EQF, ..."
    )
    standing: dict[str, str] | None = Field(
        default=None,
        description="the credential's status in plain words, the same the wallet and the "
        "credential page give: {state, label, words}",
    )
    endorsements: list[VerificationRead] = Field(default_factory=list)
    endorsement: dict[str, Any] | None = Field(
        default=None,
        description="for an embedded endorsement: endorser, endorsed, comment, state, words",
    )
    holder: str | None = None
    credentials: list[VerificationRead] | None = None
    checked_at: str | None = None
