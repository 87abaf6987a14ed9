"""API shapes for achievements (EU micro-credential specifications).

Field-level rules live here (types, ranges, formats), so a bad value is a 422 naming the field.
Rules that need the database or several fields (competency ids, language maps containing the
default language, `stacks_into` only when stackable) live in `service.py`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, Field, PlainSerializer, model_validator

from credex.core.credentials.vocab import AchievementType, ResultType
from credex.frameworks.fields import canonical_language_tag, esco_skill_uri
from credex.schemas_common import StrictInput, http_url, trimmed_text, vocabulary_term

MAX_IMAGE_CHARS = 350_000  # a data: URI of a ~256 KB badge image

Status = Literal["draft", "published", "retired"]
ParticipationForm = Literal["online", "onsite", "blended"]
Supervision = Literal[
    "unsupervised_no_id_check", "supervised_no_id_check", "supervised_with_id_check"
]
Stackability = Literal["standalone", "stackable"]


def _language_map(value: dict[str, str]) -> dict[str, str]:
    if not value:
        raise ValueError('give the text in at least one language, e.g. {"en": "..."}')
    canonical = {canonical_language_tag(tag): text for tag, text in value.items()}
    if len(canonical) != len(value):
        raise ValueError("a language appears twice (tags are case-insensitive)")
    return canonical


def _image(value: str) -> str:
    if value.startswith("data:"):
        if not value.startswith(("data:image/png;base64,", "data:image/svg+xml;base64,")):
            raise ValueError("a data URI must be a base64 PNG or SVG image")
        return value
    return http_url(value)


_achievement_type = vocabulary_term(
    AchievementType, "an OB 3.0 AchievementType (e.g. MicroCredential) or an 'ext:' term"
)
_result_type = vocabulary_term(
    ResultType, "an OB 3.0 ResultType (e.g. LetterGrade, Percent) or an 'ext:' term"
)
ShortText = Annotated[str, trimmed_text(500)]
LanguageTag = Annotated[str, trimmed_text(35), AfterValidator(canonical_language_tag)]
LanguageMap = Annotated[
    dict[Annotated[str, trimmed_text(35)], Annotated[str, trimmed_text(20_000)]],
    AfterValidator(_language_map),
    Field(description="text per BCP 47 language tag; must include `language`"),
]
HttpUrl = Annotated[str, trimmed_text(2000), AfterValidator(http_url)]
ImageRef = Annotated[str, trimmed_text(MAX_IMAGE_CHARS), AfterValidator(_image)]
EscoUri = Annotated[str, trimmed_text(200), AfterValidator(esco_skill_uri)]
AchievementTypeValue = Annotated[str, trimmed_text(100), AfterValidator(_achievement_type)]
ResultTypeValue = Annotated[str, trimmed_text(100), AfterValidator(_result_type)]
Version = Annotated[str, trimmed_text(50)]
# Decimals go out as JSON numbers (not pydantic's default strings): clients compute with them.
Ects = Annotated[
    Decimal,
    Field(ge=0, le=999, decimal_places=2, description="ECTS credits, at most 2 decimals"),
    PlainSerializer(float, return_type=float, when_used="json"),
]
Hours = Annotated[
    Decimal,
    Field(ge=0, le=99_999, decimal_places=2, description="notional workload in hours"),
    PlainSerializer(float, return_type=float, when_used="json"),
]


class LearningOutcomeIn(StrictInput):
    description: LanguageMap
    competency_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="competencies of published frameworks"
    )
    esco_uris: list[EscoUri] = Field(default_factory=list, max_length=50)


class QualityAssuranceIn(StrictInput):
    """Annex I element 11: the type of quality assurance, who performs it and where to read."""

    type: ShortText
    body: ShortText | None = None
    url: HttpUrl | None = None


class ResultDescriptionIn(StrictInput):
    """A grading scheme entry, rendered as an OB 3.0 ResultDescription."""

    name: ShortText
    result_type: ResultTypeValue
    allowed_values: list[Annotated[str, trimmed_text(200)]] = Field(
        default_factory=list, max_length=100, description="ordered from low to high"
    )
    required_value: Annotated[str, trimmed_text(200)] | None = None
    value_min: Annotated[str, trimmed_text(50)] | None = None
    value_max: Annotated[str, trimmed_text(50)] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.allowed_values and self.required_value not in (None, *self.allowed_values):
            raise ValueError("required_value must be one of allowed_values")
        low, high = _number(self.value_min), _number(self.value_max)
        if low is not None and high is not None and low > high:
            raise ValueError("value_min must not exceed value_max")
        return self


def _distinct_names(schemes: list[ResultDescriptionIn]) -> list[ResultDescriptionIn]:
    names = [scheme.name for scheme in schemes]
    if len(set(names)) != len(names):
        raise ValueError("two grading schemes share a name")
    return schemes


def _number(value: str | None) -> Decimal | None:
    try:
        number = Decimal(value) if value is not None else None
    except InvalidOperation:
        return None
    return number if number is not None and number.is_finite() else None


GradingSchemes = Annotated[list[ResultDescriptionIn], AfterValidator(_distinct_names)]


class NqfIn(StrictInput):
    """A level of a national qualifications framework (see `GET /api/v1/nqf/{country}`)."""

    country: Annotated[str, trimmed_text(2)]
    level: Annotated[str, trimmed_text(20)]


class NqfRead(BaseModel):
    country: str
    level: str


class _Fields(StrictInput):
    """Everything but the identity fields; shared by create and (all-optional) update."""

    criteria_narrative: LanguageMap | None = None
    image: ImageRef | None = None
    eqf_level: Annotated[int, Field(ge=1, le=8)] | None = None
    ects_credits: Ects | None = None
    workload_hours: Hours | None = None
    learning_outcomes: list[LearningOutcomeIn] = Field(default_factory=list, max_length=50)
    assessment_type: Annotated[str, trimmed_text(1000)] | None = None
    participation_form: ParticipationForm | None = None
    quality_assurance: QualityAssuranceIn | None = Field(
        default=None, description="null: the issuer's default quality assurance applies"
    )
    prerequisites: LanguageMap | None = None
    supervision: Supervision | None = None
    result_descriptions: GradingSchemes = Field(default_factory=list, max_length=20)
    stackability: Stackability | None = None
    stacks_into: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="achievements this one stacks into"
    )
    further_information: LanguageMap | None = None
    validity_months: Annotated[int, Field(ge=1, le=600)] | None = None
    nqf: NqfIn | None = Field(
        default=None, description="national level beside the EQF level, e.g. FR level 5"
    )


class AchievementCreate(_Fields):
    issuer_id: uuid.UUID | None = Field(
        default=None, description="required for admin tokens; issuer tokens act for their own"
    )
    name: LanguageMap
    description: LanguageMap
    achievement_type: AchievementTypeValue = "MicroCredential"
    language: LanguageTag = "en"
    version: Version = "1.0"
    notify_learners: bool = Field(
        default=True, description="mail learners when awarded (change later: /notifications)"
    )


class AchievementUpdate(_Fields):
    """PATCH: only the fields sent change; `null` clears an optional field."""

    name: LanguageMap | None = None
    description: LanguageMap | None = None
    achievement_type: AchievementTypeValue | None = None
    language: LanguageTag | None = None
    version: Version | None = None
    learning_outcomes: list[LearningOutcomeIn] | None = Field(default=None, max_length=50)  # type: ignore[assignment]
    result_descriptions: GradingSchemes | None = Field(default=None, max_length=20)  # type: ignore[assignment]
    stacks_into: list[uuid.UUID] | None = Field(default=None, max_length=20)  # type: ignore[assignment]


class NewVersionIn(StrictInput):
    version: Version | None = Field(
        default=None, description="defaults to the next major number: 1.0 -> 2.0"
    )


class LearningOutcomeRead(BaseModel):
    description: dict[str, str]
    competency_ids: list[uuid.UUID]
    esco_uris: list[str]


class QualityAssuranceRead(BaseModel):
    type: str
    body: str | None = None
    url: str | None = None


class ResultDescriptionRead(BaseModel):
    id: str = Field(description="the ResultDescription id in the OB Achievement")
    name: str
    result_type: str
    allowed_values: list[str]
    required_value: str | None
    value_min: str | None
    value_max: str | None


class AchievementRead(BaseModel):
    id: uuid.UUID
    issuer_id: uuid.UUID
    status: Status
    public_url: str = Field(description="the OB Achievement id, served without a token")
    name: dict[str, str]
    description: dict[str, str]
    criteria_narrative: dict[str, str] | None
    image: str | None
    achievement_type: str
    eqf_level: int | None
    ects_credits: Ects | None
    workload_hours: Hours | None
    learning_outcomes: list[LearningOutcomeRead]
    assessment_type: str | None
    participation_form: str | None
    quality_assurance: QualityAssuranceRead | None
    prerequisites: dict[str, str] | None
    supervision: str | None
    result_descriptions: list[ResultDescriptionRead]
    stackability: str | None
    stacks_into: list[uuid.UUID]
    further_information: dict[str, str] | None
    validity_months: int | None
    notify_learners: bool
    nqf: NqfRead | None = None
    language: str
    version: str
    previous_version_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    retired_at: datetime | None


class ComplianceElementRead(BaseModel):
    id: str
    label: str
    mandatory: bool
    status: Literal["present", "missing", "provided_at_issuance", "not_applicable", "absent"]


class ComplianceRead(BaseModel):
    compliant: bool
    missing: list[str]
    present: list[str]
    optional_present: list[str]
    elements: list[ComplianceElementRead]
