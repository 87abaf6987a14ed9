"""API shapes for issuing and managing credentials (see `schemas/issue-request.schema.json`).

Field-level rules live here, so a bad value is a 422 naming the field; rules that need the
achievement (which result values it allows) live in `service.py`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from credex.learners.fields import Did, Email, ExternalId, PersonName, PreferredLanguage

CredentialFormat = Literal["ldp", "jwt"]
CredentialStatus = Literal["active", "suspended", "revoked"]
# OB 3.0 ResultStatusType (`credex.core.credentials.vocab.ResultStatusType`), a closed enum.
ResultStatus = Literal[
    "Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"
]

MAX_EVIDENCE = 20


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


def _evidence_url(value: str) -> str:
    """OB Evidence `id`: the URL of an evidence page, or the evidence itself as a data: URI."""
    parts = urlsplit(value)
    if parts.scheme == "data" and "," in value:
        return value
    if parts.scheme in ("http", "https") and parts.hostname and not any(c.isspace() for c in value):
        return value
    raise ValueError("must be an absolute http(s) URL or a data: URI")


ShortText = Annotated[str, _text(500)]
LongText = Annotated[str, _text(10_000)]
EvidenceUrl = Annotated[str, _text(100_000), AfterValidator(_evidence_url)]


class LearnerRef(BaseModel):
    """Who the credential is for, by e-mail (a learner record is created when new)."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    name: PersonName | None = None
    did: Did | None = None
    external_id: ExternalId | None = None
    preferred_language: PreferredLanguage | None = Field(
        default=None,
        description="BCP 47 tag: the language credentials are issued in when the achievement "
        "has it and the request names none (kept on a new learner record)",
    )


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: EvidenceUrl | None = None
    name: ShortText | None = None
    description: LongText | None = None
    narrative: LongText | None = None
    genre: ShortText | None = None
    audience: ShortText | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not (self.id or self.name or self.description or self.narrative):
            raise ValueError("give at least one of id, name, description, narrative")
        return self


class ResultIn(BaseModel):
    """The grade (Annex I optional element), checked against the achievement's scheme."""

    model_config = ConfigDict(extra="forbid")

    result_description: Annotated[str, _text(2048)] | None = Field(
        default=None,
        description="id of one of the achievement's result descriptions (default: the first)",
    )
    value: Annotated[str, _text(200)] | None = None
    status: ResultStatus | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if self.value is None and self.status is None:
            raise ValueError("give a value, a status, or both")
        return self


Cryptosuite = Literal["eddsa-rdfc-2022", "ecdsa-rdfc-2019", "ecdsa-sd-2023"]


class IssueRequest(BaseModel):
    """One award of a published achievement to one learner."""

    model_config = ConfigDict(extra="forbid")

    achievement_id: uuid.UUID
    learner: LearnerRef | None = None
    learner_id: uuid.UUID | None = None
    format: CredentialFormat = "ldp"
    cryptosuite: Cryptosuite | None = Field(
        default=None,
        description="Data Integrity cryptosuite (format `ldp` only): `eddsa-rdfc-2022` (default, "
        "the issuer's Ed25519 key), `ecdsa-rdfc-2019` or `ecdsa-sd-2023` (its P-256 key; a "
        "base proof from which the learner derives credentials disclosing only some fields: "
        "the issuer, dates, status and achievement are always disclosed)",
    )
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=MAX_EVIDENCE)
    narrative: LongText | None = None
    result: ResultIn | None = Field(default=None, validation_alias=AliasChoices("result", "grade"))
    activity_start: AwareDatetime | None = None
    activity_end: AwareDatetime | None = None
    awarded_date: AwareDatetime | None = None
    valid_from: AwareDatetime | None = None
    public: bool | None = None
    issuer_id: uuid.UUID | None = Field(default=None, description="admins: which issuer issues")
    notify: bool = Field(
        default=True, description="mail the learner (if the achievement allows); false: do not"
    )
    language: PreferredLanguage | None = Field(
        default=None,
        description="BCP 47 tag of one of the achievement's languages to issue the credential in "
        "(default: the learner's preferred language when the achievement has it, else the "
        "achievement's own language)",
    )

    @model_validator(mode="after")
    def _cryptosuite_needs_ldp(self) -> Self:
        if self.cryptosuite is not None and self.format != "ldp":
            raise ValueError("a cryptosuite applies to Data Integrity (format ldp) only")
        return self


class IssuedRead(BaseModel):
    """The 201/200 body of `POST /credentials`: `credential` (ldp) or `jwt`, as signed."""

    id: uuid.UUID
    status: CredentialStatus
    credential: dict[str, Any] | None = None
    jwt: str | None = None


class CredentialRead(BaseModel):
    """Metadata of an issued credential (the single GET adds `credential` or `jwt`)."""

    id: uuid.UUID
    issuer_id: uuid.UUID
    achievement_id: uuid.UUID
    learner_id: uuid.UUID
    format: CredentialFormat
    status: CredentialStatus
    public: bool
    url: str
    status_list_credential: str
    status_list_index: int
    valid_from: datetime
    valid_until: datetime | None
    created_at: datetime
    revoked_at: datetime | None
    revocation_reason: str | None
    suspended_at: datetime | None = None
    token_status_list: str | None = Field(
        default=None, description="the SD-JWT VC form's IETF Token Status List (statuslist+jwt)"
    )
    token_status_index: int | None = None
    revocation_public_reason: str | None = None


class CredentialDetailRead(CredentialRead):
    credential: dict[str, Any] | None = None
    jwt: str | None = None


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, _text(1000)]
    public_reason: Annotated[str, _text(1000)] | None = Field(
        default=None,
        description="shown to anyone verifying the credential: 'Revoked by <issuer> on <date>: "
        "<public_reason>'; `reason` stays internal",
    )


class VisibilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    public: bool
