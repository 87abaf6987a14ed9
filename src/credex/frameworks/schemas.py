"""API shapes for frameworks and competencies (`XCreate`, `XUpdate`, `XRead`).

Field rules live in `fields.py`; rules that need the database (parents, codes, status) live in
the services. Updates are PATCH: only fields present in the body change, and `null` clears an
optional field but is refused for required ones.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from credex.frameworks.fields import (
    BlankIsNone,
    CompetencyCode,
    DescriptionMap,
    EqfLevel,
    EscoUri,
    HttpUrl,
    LanguageTag,
    License,
    Publisher,
    SkillType,
    SkillUri,
    TitleMap,
    Version,
)

FrameworkStatus = Literal["draft", "published", "retired"]
OptionalPublisher = Annotated[Publisher | None, BlankIsNone]
OptionalHttpUrl = Annotated[HttpUrl | None, BlankIsNone]
OptionalLicense = Annotated[License | None, BlankIsNone]
OptionalEscoUri = Annotated[EscoUri | None, BlankIsNone]
OptionalSkillUri = Annotated[SkillUri | None, BlankIsNone]
OptionalEqfLevel = Annotated[EqfLevel | None, BlankIsNone]
OptionalSkillType = Annotated[SkillType | None, BlankIsNone]


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("not_null", "may be left out but not set to null")
    return value


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class FrameworkCreate(_Input):
    title: TitleMap = Field(description="language map; must include `default_language`")
    description: DescriptionMap = Field(default_factory=dict)
    default_language: LanguageTag = Field(description="BCP 47 tag, e.g. en or pt-BR")
    version: Version = "1.0"
    publisher: OptionalPublisher = None
    source_url: OptionalHttpUrl = None
    license: OptionalLicense = Field(default=None, description="SPDX id or licence URL")


class FrameworkUpdate(_Input):
    title: TitleMap | None = None
    description: DescriptionMap | None = None
    default_language: LanguageTag | None = None
    version: Version | None = None
    publisher: OptionalPublisher = None
    source_url: OptionalHttpUrl = None
    license: OptionalLicense = None

    _not_null = field_validator("title", "default_language", "version", mode="before")(_refuse_null)


class NewVersionCreate(_Input):
    version: Version | None = Field(
        default=None, description="the new version label; by default the last number is bumped"
    )


class FrameworkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: dict[str, str]
    description: dict[str, str]
    default_language: str
    version: str
    publisher: str | None
    source_url: str | None
    license: str | None
    status: FrameworkStatus
    previous_version_id: uuid.UUID | None
    published_at: datetime | None
    retired_at: datetime | None
    created_at: datetime
    updated_at: datetime


class CompetencyCreate(_Input):
    code: CompetencyCode = Field(description="unique within the framework version")
    title: TitleMap = Field(description="language map; must include the framework's language")
    description: DescriptionMap = Field(default_factory=dict)
    parent: uuid.UUID | None = Field(
        default=None, description="id of a competency in this framework"
    )
    esco_uri: OptionalEscoUri = Field(
        default=None, description="http://data.europa.eu/esco/skill/<uuid>"
    )
    skill_uri: OptionalSkillUri = Field(
        default=None, description="any other absolute IRI naming the skill"
    )
    eqf_level: OptionalEqfLevel = None
    skill_type: OptionalSkillType = Field(
        default=None, description='e.g. "skill/competence", "knowledge", "transversal"'
    )
    position: int | None = Field(default=None, ge=0, description="order among siblings")


class CompetencyUpdate(_Input):
    code: CompetencyCode | None = None
    title: TitleMap | None = None
    description: DescriptionMap | None = None
    parent: uuid.UUID | None = None
    esco_uri: OptionalEscoUri = None
    skill_uri: OptionalSkillUri = None
    eqf_level: OptionalEqfLevel = None
    skill_type: OptionalSkillType = None
    position: int | None = Field(default=None, ge=0)

    _not_null = field_validator("code", "title", "position", mode="before")(_refuse_null)


class CompetencyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    framework_id: uuid.UUID
    code: str
    title: dict[str, str]
    description: dict[str, str]
    parent: uuid.UUID | None = Field(validation_alias="parent_id")
    esco_uri: str | None
    skill_uri: str | None
    eqf_level: int | None
    skill_type: str | None
    position: int
    created_at: datetime
    updated_at: datetime
