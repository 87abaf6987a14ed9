"""Profiles (issuer, creator, endorser) and the credential base they share with endorsements.

They live together because they refer to each other: a Profile may carry EndorsementCredentials
whose issuer is again a Profile. OB 3.0 §B.1 Profile, §B.1 EndorsementCredential
(https://www.imsglobal.org/spec/ob/v3p0/#profile).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import Field, ValidationInfo, model_validator

from credex.core.credentials import lexical
from credex.core.credentials._base import (
    URI,
    ClosedOBModel,
    CompactJws,
    CountryCode,
    DateTimeZ,
    Float,
    OBModel,
    SetOf,
    SingleType,
    TypeSet,
    XsdDate,
    is_lenient,
    open_enum,
    types_of,
)
from credex.core.credentials.vc import (
    CredentialSchema,
    CredentialStatus,
    Proof,
    RefreshService,
    TermsOfUse,
)
from credex.core.credentials.vocab import OB_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT, IdentifierType

# AchievementCredential.@context[1] in OB 3.0 (any published revision of the OB context).
OB_CONTEXT_PATTERN = re.compile(
    r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$"
)


class Image(ClosedOBModel):
    """`type` is the single string "Image" (not an array); `id` may be a data URI."""

    id: URI
    type: Annotated[Literal["Image"], SingleType] = "Image"
    caption: str | None = None


class IdentifierEntry(ClosedOBModel):
    type: Annotated[Literal["IdentifierEntry"], SingleType] = "IdentifierEntry"
    identifier: str
    identifier_type: Annotated[str, open_enum(IdentifierType)]


class GeoCoordinates(OBModel):
    type: Annotated[Literal["GeoCoordinates"], SingleType] = "GeoCoordinates"
    latitude: Float
    longitude: Float


class Address(OBModel):
    type: TypeSet = Field(default_factory=types_of("Address"))
    address_country: str | None = None
    address_country_code: CountryCode | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoCoordinates | None = None

    required_types = (("Address",),)


class Profile(OBModel):
    """An issuer, creator, endorser or source. `name` is optional in OB but always worth giving."""

    id: URI
    type: TypeSet = Field(default_factory=types_of("Profile"))
    name: str | None = None
    url: URI | None = None
    phone: str | None = None
    description: str | None = None
    endorsement: SetOf[EndorsementCredential] = Field(default_factory=list)
    endorsement_jwt: SetOf[CompactJws] = Field(default_factory=list)
    image: Image | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: SetOf[IdentifierEntry] = Field(default_factory=list)
    official: str | None = None
    parent_org: Profile | None = None
    family_name: str | None = None
    given_name: str | None = None
    additional_name: str | None = None
    patronymic_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    family_name_prefix: str | None = None
    date_of_birth: XsdDate | None = None

    required_types = (("Profile",),)


class EndorsementSubject(OBModel):
    """`id` is the endorsed thing: a Profile, an Achievement or a credential."""

    id: URI
    type: TypeSet = Field(default_factory=types_of("EndorsementSubject"))
    endorsement_comment: str | None = None

    required_types = (("EndorsementSubject",),)


def default_contexts() -> list[str | dict[str, Any]]:
    return [VC_V2_CONTEXT, OB_CONTEXT]


class CredentialBase(OBModel):
    """What AchievementCredential and EndorsementCredential share (VC DM 2.0 + OB rules)."""

    context: list[str | dict[str, Any]] = Field(default_factory=default_contexts, alias="@context")
    id: URI
    type: TypeSet
    name: str | None = None
    description: str | None = None
    issuer: Profile | URI
    # Required by OB; only a lenient read of a VC DM 1.1 credential (`issuanceDate`) may omit it.
    valid_from: DateTimeZ | None = None
    valid_until: DateTimeZ | None = None
    awarded_date: DateTimeZ | None = None
    credential_schema: SetOf[CredentialSchema] = Field(default_factory=list)
    credential_status: CredentialStatus | None = None
    refresh_service: RefreshService | None = None
    terms_of_use: SetOf[TermsOfUse] = Field(default_factory=list)
    proof: SetOf[Proof] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _context_as_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("@context"), str):
            return {**data, "@context": [data["@context"]]}
        return data

    @model_validator(mode="after")
    def _check_context_and_dates(self, info: ValidationInfo) -> Self:
        lenient = is_lenient(info)
        self._check_context(lenient=lenient)
        extras = self.model_extra or {}
        if self.valid_from is None and not (lenient and "issuanceDate" in extras):
            raise ValueError("validFrom is required")
        if not lenient and self.valid_from and self.valid_until:
            start = lexical.parse_date_time(self.valid_from)
            if lexical.parse_date_time(self.valid_until) < start:
                raise ValueError("validUntil is before validFrom")
        return self

    def _check_context(self, *, lenient: bool) -> None:
        """`@context` = [VC v2, OB context, *extensions]; a lenient read also takes VC v1."""
        urls = [entry for entry in self.context if isinstance(entry, str)]
        if lenient:
            base_ok = bool(self.context) and self.context[0] in (VC_V2_CONTEXT, VC_V1_CONTEXT)
            ob_ok = any(OB_CONTEXT_PATTERN.match(url) for url in urls)
        else:
            base_ok = bool(self.context) and self.context[0] == VC_V2_CONTEXT
            second = self.context[1] if len(self.context) > 1 else None
            ob_ok = isinstance(second, str) and bool(OB_CONTEXT_PATTERN.match(second))
        if not base_ok:
            raise ValueError(f"@context must start with {VC_V2_CONTEXT}")
        if not ob_ok:
            raise ValueError(f"@context[1] must be the OB 3.0 context ({OB_CONTEXT})")


class EndorsementCredential(CredentialBase):
    """An endorsement of a Profile, Achievement or credential; it must carry its own proof."""

    type: TypeSet = Field(default_factory=types_of("VerifiableCredential", "EndorsementCredential"))
    name: str
    credential_subject: EndorsementSubject

    required_types = (("VerifiableCredential",), ("EndorsementCredential",))


Profile.model_rebuild()
