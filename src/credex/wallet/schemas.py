"""API shapes for the wallet."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

LiveStatus = Literal[
    "active",
    "suspended",
    "revoked",
    "expired",
    "not_yet_valid",
    "component_revoked",
    "not_verified",
]
FileKind = Literal["json", "jwt", "png", "svg", "pdf"]


class IssuerSummary(BaseModel):
    id: uuid.UUID
    name: str
    did: str
    url: str | None


class AchievementSummary(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    achievement_type: str
    url: str


class WalletCredentialRead(BaseModel):
    id: uuid.UUID
    url: str
    format: Literal["ldp", "jwt"]
    status: LiveStatus = Field(description="live: revocation and validity dates as of now")
    status_words: str = Field(
        default="Valid",
        description="the status in plain words, as the credential page and POST /verify say it",
    )
    public: bool
    show_name: bool = Field(
        default=False, description="the learner agreed to show their name on the public page"
    )
    achievement: AchievementSummary
    issuer: IssuerSummary
    learner_name: str | None
    eqf_level: int | None
    ects: float | None
    workload_hours: float | None
    valid_from: datetime
    valid_until: datetime | None
    issued_at: datetime
    revoked_at: datetime | None
    linkedin_url: str = Field(description="LinkedIn 'add to profile' link (needs a public page)")
    downloads: dict[str, str] = Field(description="file kind -> API path")


class VisibilityUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    public: bool
    show_name: bool | None = Field(
        default=None,
        description="show the learner's name on the public page (null: leave unchanged)",
    )


class ShareLinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    expires_in_days: int | None = Field(
        default=30, ge=1, le=3650, description="null: never expires (until revoked)"
    )
    show_name: bool = Field(
        default=False, description="show the learner's name on the page this link opens"
    )


class ShareLinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    credential_id: uuid.UUID
    label: str | None
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_opened_at: datetime | None
    open_count: int
    active: bool
    show_name: bool = False


class ShareLinkCreated(ShareLinkRead):
    url: str = Field(description="shown once: only a hash of its secret is stored")


class AccountDeleted(BaseModel):
    deleted_at: datetime
    email_hash: str
    learner_records: int
    credentials: int
    tokens_revoked: int
    share_links_removed: int
    imported_removed: int
    imported_kept_as_award_evidence: int


class ImportedCredentialRead(BaseModel):
    """A credential the learner brought, as kept with one issuer's record of them."""

    id: uuid.UUID
    kept_with_issuer: IssuerSummary
    format: str
    credential_issuer: str
    credential_url: str | None
    achievement_name: str
    awarded_at: datetime
    eqf_level: int | None
    ects: float | None
    verified: bool
    checked_at: datetime
    checks: list[dict[str, Any]]


class AccountExport(BaseModel):
    """Everything stored about the learner, for data portability (GDPR Art. 20)."""

    generated_at: datetime
    email: str
    learner_records: list[dict[str, Any]]
    credentials: list[dict[str, Any]]
    share_links: list[dict[str, Any]]
    tokens: list[dict[str, Any]]
    sign_in_links: list[dict[str, Any]]
    outbox: list[dict[str, Any]]
    imported_credentials: list[dict[str, Any]]


class DisclosableFieldRead(BaseModel):
    """A field of an ecdsa-sd-2023 credential the learner may disclose or keep back."""

    pointer: str = Field(description="RFC 6901 JSON pointer into the credential")
    label: str
    always_disclosed: bool = Field(description="made mandatory by the issuer")


class DisclosureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="pointers of the fields to disclose beyond the mandatory ones",
    )


class DisclosedCredential(BaseModel):
    credential: dict[str, Any] = Field(description="the derived credential (ecdsa-sd-2023)")
    disclosed: list[str]
