"""API shapes for stacking rules, pathway progress, awards and external credentials.

The requirement tree is checked by `credex.core.stacking.parse_requirement` in the service (not
here), so its errors carry exact JSON pointers such as `/requirement/of/1/n`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    model_validator,
)

RuleName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
IssuerId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=2048, pattern=r"^\S+:\S+$"),
]
Credits = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

REQUIREMENT_DOC = (
    "A requirement tree. Nodes: `{type: achievement, achievement: <id or URL>}`, "
    "`{type: all_of, of: [...]}`, `{type: n_of, n, of: [...]}`, "
    "`{type: min_credits, credits, filter?: {frameworks, competency_codes, min_eqf_level, "
    "issuers, achievements}}`, `{type: min_eqf_level, level, count?}`, "
    "`{type: within, months, relative_to?: each_other|now, of: {...}}`."
)
REQUIREMENT_EXAMPLE = {
    "type": "all_of",
    "of": [
        {"type": "achievement", "achievement": "3f0c…"},
        {"type": "min_credits", "credits": 5, "filter": {"min_eqf_level": 4}},
    ],
}


class StackingRuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_achievement_id: uuid.UUID = Field(description="the larger credential this rule awards")
    name: RuleName | None = None
    requirement: dict[str, Any] = Field(description=REQUIREMENT_DOC, examples=[REQUIREMENT_EXAMPLE])
    trusted_issuers: list[IssuerId] = Field(
        default_factory=list,
        max_length=50,
        description="other issuers (DIDs or URLs) whose verified credentials count",
    )
    active: bool = True
    issuer_id: uuid.UUID | None = Field(default=None, description="admins: which issuer")


class StackingRuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: RuleName | None = None
    requirement: dict[str, Any] | None = Field(default=None, description=REQUIREMENT_DOC)
    trusted_issuers: list[IssuerId] | None = Field(default=None, max_length=50)
    active: bool | None = None


class StackingRuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    issuer_id: uuid.UUID
    target_achievement_id: uuid.UUID
    name: str | None
    requirement: dict[str, Any]
    trusted_issuers: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime


class ProgressRead(BaseModel):
    """One node of the requirement tree: satisfied or not, and how far."""

    kind: str
    satisfied: bool
    summary: str
    counted: list[str] = Field(description="ids (URLs) of the credentials this node counted")
    missing: list[str]
    children: list[ProgressRead] = []


class ComponentRead(BaseModel):
    """An earned credential as a stacking component."""

    id: str = Field(description="the credential's id (URL)")
    source: Literal["issued", "external"]
    credential_id: uuid.UUID | None = None
    external_credential_id: uuid.UUID | None = None
    achievement_id: str
    achievement_name: str
    issuer: str
    awarded_at: datetime
    ects_credits: Credits | None = None
    eqf_level: int | None = None


class NotCountedRead(BaseModel):
    id: str
    reason: str


class AwardComponentRead(BaseModel):
    id: str
    digest_multibase: str
    credential_id: uuid.UUID | None
    external_credential_id: uuid.UUID | None
    status: str = Field(description="active, revoked, or unknown for external credentials")


class AwardRead(BaseModel):
    id: uuid.UUID
    rule_id: uuid.UUID
    learner_id: uuid.UUID
    credential_id: uuid.UUID | None
    awarded_at: datetime
    components: list[AwardComponentRead]


class PathwayRead(BaseModel):
    rule_id: uuid.UUID
    rule_name: str | None
    target_achievement_id: uuid.UUID
    target_name: str
    active: bool
    satisfied: bool
    summary: str
    counted: list[ComponentRead]
    missing: list[str]
    not_counted: list[NotCountedRead]
    progress: ProgressRead
    award: AwardRead | None


class PathwayPage(BaseModel):
    learner_id: uuid.UUID
    items: list[PathwayRead]
    next: str | None


class EvaluationRead(BaseModel):
    awarded: list[AwardRead]
    pathways: list[PathwayRead]


class ExternalCredentialIn(BaseModel):
    """A credential from another issuer: the signed JSON or a compact VC-JWT (also an Open
    Badges 2.0 assertion: hosted JSON as `credential`, a signed one's JWS as `jwt`)."""

    model_config = ConfigDict(extra="forbid")

    credential: dict[str, Any] | None = None
    jwt: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200_000)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.credential is None) == (self.jwt is None):
            raise ValueError("give exactly one of credential, jwt")
        return self


class ExternalCredentialRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    learner_id: uuid.UUID
    credential_url: str | None
    credential_issuer: str
    achievement_key: str
    achievement_name: str
    awarded_at: datetime
    ects_credits: Credits | None
    eqf_level: int | None
    verified: bool
    checked_at: datetime
    checks: list[dict[str, Any]]


class ShareRead(BaseModel):
    url: str = Field(description="read-only progress page; a new link replaces the previous one")


class StackedRead(BaseModel):
    """A stacked credential that lists the component asked about."""

    award_id: uuid.UUID
    rule_id: uuid.UUID
    learner_id: uuid.UUID
    credential_id: uuid.UUID
    credential_status: str
    url: str
    awarded_at: datetime
