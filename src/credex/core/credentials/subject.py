"""The credential subject (the learner and what they achieved) and evidence.

OB 3.0 §B.1 AchievementSubject, IdentityObject, Result, Evidence
(https://www.imsglobal.org/spec/ob/v3p0/#achievementsubject).
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from credex.core.credentials._base import (
    URI,
    ClosedOBModel,
    DateTimeZ,
    Float,
    OBModel,
    SetOf,
    SingleType,
    TypeSet,
    closed_enum,
    open_enum,
    types_of,
)
from credex.core.credentials.achievement import Achievement, Alignment
from credex.core.credentials.profile import Image, Profile
from credex.core.credentials.vocab import IdentifierType, ResultStatusType


class IdentityObject(ClosedOBModel):
    """A recipient identifier, plain or hashed (`sha256$…`); see `credentials.identity`."""

    type: Annotated[Literal["IdentityObject"], SingleType] = "IdentityObject"
    hashed: bool
    identity_hash: str
    identity_type: Annotated[str, open_enum(IdentifierType)]
    salt: str | None = None


class Result(OBModel):
    """A result the learner obtained; `resultDescription` points into the Achievement."""

    type: TypeSet = Field(default_factory=types_of("Result"))
    result_description: URI | None = None
    value: str | None = None
    achieved_level: URI | None = None
    status: Annotated[str, closed_enum(ResultStatusType)] | None = None
    alignment: SetOf[Alignment] = Field(default_factory=list)

    required_types = (("Result",),)


class AchievementSubject(OBModel):
    """The learner: a DID/URI `id` and/or `identifier`s, plus the Achievement (embedded)."""

    id: URI | None = None
    type: TypeSet = Field(default_factory=types_of("AchievementSubject"))
    achievement: Achievement
    identifier: SetOf[IdentityObject] = Field(default_factory=list)
    activity_start_date: DateTimeZ | None = None
    activity_end_date: DateTimeZ | None = None
    credits_earned: Float | None = None
    image: Image | None = None
    license_number: str | None = None
    narrative: str | None = None
    result: SetOf[Result] = Field(default_factory=list)
    role: str | None = None
    source: Profile | None = None
    term: str | None = None

    required_types = (("AchievementSubject",),)

    @model_validator(mode="after")
    def _identified(self) -> Self:
        """OB 3.0 §B.1 AchievementSubject: `id` or at least one `identifier` MUST be present."""
        if self.id is None and not self.identifier:
            raise ValueError("AchievementSubject needs an id or at least one identifier")
        return self


class Evidence(OBModel):
    """Evidence sits on the credential (`evidence[]`), not on the subject."""

    id: URI | None = None
    type: TypeSet = Field(default_factory=types_of("Evidence"))
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None
    audience: str | None = None

    required_types = (("Evidence",),)
