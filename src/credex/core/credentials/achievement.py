"""Achievement (the "badge class"; in credex a micro-credential definition) and its parts.

OB 3.0 §B.1 Achievement, Alignment, Criteria, Related, ResultDescription, RubricCriterionLevel
(https://www.imsglobal.org/spec/ob/v3p0/#achievement).

EU micro-credential elements without an OB term (EQF level, ECTS, assessment type, …) travel as
extra keys on Achievement; they MUST be defined by an extension context in `@context`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from credex.core.credentials._base import (
    URI,
    CompactJws,
    Float,
    LanguageTag,
    OBModel,
    SetOf,
    TypeSet,
    open_enum,
    types_of,
)
from credex.core.credentials.profile import EndorsementCredential, IdentifierEntry, Image, Profile
from credex.core.credentials.vocab import AchievementType, AlignmentTargetType, ResultType


class Alignment(OBModel):
    """A link to a framework node: EQF level, ESCO skill, competency (STANDARDS §a)."""

    type: TypeSet = Field(default_factory=types_of("Alignment"))
    target_name: str
    target_url: URI
    target_code: str | None = None
    target_description: str | None = None
    target_framework: str | None = None
    target_type: Annotated[str, open_enum(AlignmentTargetType)] | None = None

    required_types = (("Alignment",),)


class Criteria(OBModel):
    """How the achievement is earned: a page (`id`) and/or a Markdown `narrative`."""

    id: URI | None = None
    narrative: str | None = None


class Related(OBModel):
    """Another edition (language, version) of the same achievement."""

    id: URI
    type: TypeSet = Field(default_factory=types_of("Related"))
    in_language: LanguageTag | None = None
    version: str | None = None

    required_types = (("Related",),)


class RubricCriterionLevel(OBModel):
    """A rubric performance level; `level` is the rubric's, not an EQF level."""

    id: URI
    type: TypeSet = Field(default_factory=types_of("RubricCriterionLevel"))
    name: str
    description: str | None = None
    level: str | None = None
    points: str | None = None
    alignment: SetOf[Alignment] = Field(default_factory=list)

    required_types = (("RubricCriterionLevel",),)


class ResultDescription(OBModel):
    """A possible result; `allowedValue` is ordered from low to high."""

    id: URI
    type: TypeSet = Field(default_factory=types_of("ResultDescription"))
    name: str
    result_type: Annotated[str, open_enum(ResultType)]
    alignment: SetOf[Alignment] = Field(default_factory=list)
    allowed_value: SetOf[str] = Field(default_factory=list)
    required_level: URI | None = None
    required_value: str | None = None
    rubric_criterion_level: SetOf[RubricCriterionLevel] = Field(default_factory=list)
    value_max: str | None = None
    value_min: str | None = None

    required_types = (("ResultDescription",),)


class Achievement(OBModel):
    """The achievement a credential awards; extra keys are allowed (see module docstring)."""

    id: URI
    type: TypeSet = Field(default_factory=types_of("Achievement"))
    name: str
    description: str
    criteria: Criteria
    achievement_type: Annotated[str, open_enum(AchievementType)] | None = None
    alignment: SetOf[Alignment] = Field(default_factory=list)
    creator: Profile | None = None
    credits_available: Float | None = None
    endorsement: SetOf[EndorsementCredential] = Field(default_factory=list)
    endorsement_jwt: SetOf[CompactJws] = Field(default_factory=list)
    field_of_study: str | None = None
    human_code: str | None = None
    image: Image | None = None
    in_language: LanguageTag | None = None
    other_identifier: SetOf[IdentifierEntry] = Field(default_factory=list)
    related: SetOf[Related] = Field(default_factory=list)
    result_description: SetOf[ResultDescription] = Field(default_factory=list)
    specialization: str | None = None
    tag: SetOf[str] = Field(default_factory=list)
    version: str | None = None

    required_types = (("Achievement",),)
