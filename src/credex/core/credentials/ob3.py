"""OpenBadgeCredential (AchievementCredential) and the public set of OB 3.0 models.

OB 3.0 §B.1 AchievementCredential (https://www.imsglobal.org/spec/ob/v3p0/#achievementcredential).
Build with the models (or `credentials.builders`), emit with `to_json()`; read foreign credentials
with `parse_open_badge_credential`, which accepts compacted single values and keeps unknown keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationError

from credex.core.credentials._base import (
    PARSE_CONTEXT_KEY,
    CompactJws,
    SetOf,
    TypeSet,
    describe_errors,
    types_of,
)
from credex.core.credentials.achievement import (
    Achievement,
    Alignment,
    Criteria,
    Related,
    ResultDescription,
    RubricCriterionLevel,
)
from credex.core.credentials.profile import (
    Address,
    CredentialBase,
    EndorsementCredential,
    EndorsementSubject,
    GeoCoordinates,
    IdentifierEntry,
    Image,
    Profile,
)
from credex.core.credentials.subject import (
    AchievementSubject,
    Evidence,
    IdentityObject,
    Result,
)
from credex.core.credentials.vc import (
    CredentialSchema,
    CredentialStatus,
    Proof,
    RefreshService,
    TermsOfUse,
)
from credex.core.errors import ParsingError

__all__ = [
    "Achievement",
    "AchievementSubject",
    "Address",
    "Alignment",
    "CredentialSchema",
    "CredentialStatus",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "OpenBadgeCredential",
    "Profile",
    "Proof",
    "RefreshService",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "TermsOfUse",
    "parse_open_badge_credential",
]


class OpenBadgeCredential(CredentialBase):
    """An awarded achievement. `type` holds VerifiableCredential and OpenBadgeCredential."""

    type: TypeSet = Field(default_factory=types_of("VerifiableCredential", "OpenBadgeCredential"))
    image: Image | None = None
    credential_subject: AchievementSubject
    endorsement: SetOf[EndorsementCredential] = Field(default_factory=list)
    endorsement_jwt: SetOf[CompactJws] = Field(default_factory=list)
    evidence: SetOf[Evidence] = Field(default_factory=list)

    required_types = (("VerifiableCredential",), ("OpenBadgeCredential", "AchievementCredential"))


def parse_open_badge_credential(data: Mapping[str, Any]) -> OpenBadgeCredential:
    """Read a credential from elsewhere without rejecting legitimate variations.

    Accepts compacted single values for sets (`type`, `proof`, …), extra contexts and unknown
    keys (kept in `model_extra`), and VC DM 1.1-era credentials with `issuanceDate`. It never adds
    what is missing: an object without `type` is refused. Errors become `ParsingError`.
    """
    try:
        # JSON names only: a foreign `valid_from` key is an unknown term, not `validFrom`.
        return OpenBadgeCredential.model_validate(
            dict(data), context={PARSE_CONTEXT_KEY: True}, by_alias=True, by_name=False
        )
    except ValidationError as exc:
        raise ParsingError(f"not an OB 3.0 credential: {describe_errors(exc)}") from exc
