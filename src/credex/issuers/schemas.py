"""API shapes for issuers (OB 3.0 `Profile` fields in snake_case), their keys and tokens."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from credex.core.credentials.vocab import IdentifierType
from credex.db.models import Issuer, IssuerKey
from credex.issuers.public import (
    did_document_url,
    issuer_identifier,
    key_name,
    key_verification_method,
    profile_url,
)
from credex.schemas_common import StrictInput, http_url, trimmed_text, vocabulary_term

# ISO 3166-1 alpha-2: the 249 officially assigned codes (no reserved or EU-only codes).
ISO_3166_ALPHA2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
    """.split()  # noqa: SIM905 - 249 codes read better as text than as 249 lines
)
# EU institutional codes people often type instead of the ISO ones.
_EU_CODE_HINTS = {"EL": "GR", "UK": "GB"}
_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{2,40}$")


def _country_code(value: str) -> str:
    code = value.strip().upper()
    if code in _EU_CODE_HINTS:
        raise ValueError(f"{code} is an EU code; ISO 3166-1 alpha-2 uses {_EU_CODE_HINTS[code]}")
    if code not in ISO_3166_ALPHA2:
        raise ValueError("not an ISO 3166-1 alpha-2 country code (e.g. IT, DE, FR)")
    return code


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("not a valid email address")
    return value


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError("digits with optional leading +, spaces, dots, dashes or parentheses")
    return value


_identifier_type = vocabulary_term(
    IdentifierType,
    "an OB IdentifierTypeEnum value (e.g. sourcedId, systemId, identifier) "
    "or an ext: term such as ext:LegalIdentifier",
)
Name = Annotated[str, trimmed_text(300)]
ShortText = Annotated[str, trimmed_text(500)]
LongText = Annotated[str, trimmed_text(10_000)]
HttpUrl = Annotated[str, trimmed_text(2048), AfterValidator(http_url)]
Email = Annotated[str, trimmed_text(320), AfterValidator(_email)]
Phone = Annotated[str, trimmed_text(50), AfterValidator(_phone)]
CountryCode = Annotated[str, trimmed_text(2), AfterValidator(_country_code)]
IdentifierTypeValue = Annotated[str, trimmed_text(100), AfterValidator(_identifier_type)]


class AddressIn(StrictInput):
    street_address: ShortText | None = None
    post_office_box_number: Annotated[str, trimmed_text(50)] | None = None
    locality: ShortText | None = None
    region: ShortText | None = None
    postal_code: Annotated[str, trimmed_text(30)] | None = None
    country: Annotated[str, trimmed_text(200)] | None = Field(
        default=None, description="country name"
    )
    country_code: CountryCode | None = Field(default=None, description="ISO 3166-1 alpha-2")


class OtherIdentifier(StrictInput):
    identifier: ShortText
    identifier_type: IdentifierTypeValue = Field(
        description="OB IdentifierTypeEnum value or `ext:` term, e.g. ext:LegalIdentifier"
    )


class QualityAssurance(StrictInput):
    """Annex I element 11: the type of quality assurance, who performs it and where to read."""

    type: ShortText
    body: ShortText | None = None
    url: HttpUrl | None = None


DidMethod = Literal["did:web", "did:key"]


class IssuerCreate(StrictInput):
    name: Name
    did_method: DidMethod = Field(
        default="did:web",
        description="`did:web` (default: served under this service's domain, keys can rotate) "
        "or `did:key` (the identifier IS the Ed25519 public key: no domain needed, but keys can "
        "never rotate; the P-256 key is named by a second did:key). Fixed at creation.",
    )
    url: HttpUrl | None = None
    email: Email | None = None
    phone: Phone | None = None
    description: LongText | None = None
    image: HttpUrl | None = None
    country: CountryCode | None = Field(default=None, description="ISO 3166-1 alpha-2")
    address: AddressIn | None = None
    other_identifiers: list[OtherIdentifier] = Field(default_factory=list, max_length=50)
    quality_assurance: QualityAssurance | None = None
    accreditation_note: LongText | None = None


class IssuerUpdate(StrictInput):
    """Only the fields sent change; `null` clears an optional field (`name` cannot be cleared)."""

    name: Name | None = None
    url: HttpUrl | None = None
    email: Email | None = None
    phone: Phone | None = None
    description: LongText | None = None
    image: HttpUrl | None = None
    country: CountryCode | None = None
    address: AddressIn | None = None
    other_identifiers: list[OtherIdentifier] | None = Field(default=None, max_length=50)
    quality_assurance: QualityAssurance | None = None
    accreditation_note: LongText | None = None


class AddressRead(BaseModel):
    street_address: str | None = None
    post_office_box_number: str | None = None
    locality: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    country_code: str | None = None


class IssuerRead(BaseModel):
    id: uuid.UUID
    name: str
    url: str | None
    email: str | None
    phone: str | None
    description: str | None
    image: str | None
    country: str | None
    address: AddressRead | None
    other_identifiers: list[OtherIdentifier]
    quality_assurance: QualityAssurance | None
    accreditation_note: str | None
    did: str
    did_method: DidMethod
    did_document_url: str | None = Field(
        description="where the did:web document is served; null for did:key issuers"
    )
    profile_url: str
    active_key_id: uuid.UUID | None
    active_verification_method: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def build(cls, issuer: Issuer, active_key: IssuerKey | None, base_url: str) -> IssuerRead:
        did = issuer_identifier(issuer, base_url)
        address = None
        if issuer.address or issuer.country:
            address = AddressRead(**(issuer.address or {}), country_code=issuer.country)
        return cls(
            id=issuer.id,
            name=issuer.name,
            url=issuer.url,
            email=issuer.email,
            phone=issuer.phone,
            description=issuer.description,
            image=issuer.image,
            country=issuer.country,
            address=address,
            other_identifiers=[OtherIdentifier(**entry) for entry in issuer.other_identifiers],
            quality_assurance=(
                QualityAssurance(**issuer.quality_assurance) if issuer.quality_assurance else None
            ),
            accreditation_note=issuer.accreditation_note,
            did=did,
            did_method="did:key" if issuer.did_method == "key" else "did:web",
            did_document_url=(
                None if issuer.did_method == "key" else did_document_url(issuer.id, base_url)
            ),
            profile_url=profile_url(issuer.id, base_url),
            active_key_id=active_key.id if active_key else None,
            active_verification_method=(
                key_verification_method(active_key, base_url) if active_key else None
            ),
            created_at=issuer.created_at,
            updated_at=issuer.updated_at,
        )


class KeyRead(BaseModel):
    """Public information about a signing key; the private half is never part of any response."""

    id: uuid.UUID
    name: str = Field(description="`key-<n>`, the fragment of the verification method id")
    verification_method: str
    algorithm: str = Field(description="`Ed25519` or `P-256`")
    public_key_multibase: str
    status: str = Field(description="active, retired or compromised")
    created_at: datetime
    retired_at: datetime | None
    compromised_since: datetime | None
    compromised_reported_at: datetime | None
    compromise_reason: str | None

    @classmethod
    def build(cls, key: IssuerKey, base_url: str) -> KeyRead:
        return cls(
            id=key.id,
            name=key_name(key.number),
            verification_method=key_verification_method(key, base_url),
            algorithm=key.algorithm,
            public_key_multibase=key.public_key_multibase,
            status=key.status,
            created_at=key.created_at,
            retired_at=key.retired_at,
            compromised_since=key.compromised_since,
            compromised_reported_at=key.compromised_reported_at,
            compromise_reason=key.compromise_reason,
        )


RotatableAlgorithm = Literal["Ed25519", "P-256"]


class KeyRotation(KeyRead):
    """The first new key (as before P-256 keys existed) plus every key the rotation created."""

    rotated: list[KeyRead] = Field(description="every new active key, one per algorithm rotated")

    @classmethod
    def build_all(cls, keys: list[IssuerKey], base_url: str) -> KeyRotation:
        reads = [KeyRead.build(key, base_url) for key in keys]
        return cls(**reads[0].model_dump(), rotated=reads)


class KeyList(BaseModel):
    items: list[KeyRead]


class KeyCompromise(StrictInput):
    since: AwareDatetime = Field(description="signatures made at or after this instant fail")
    reason: Annotated[str, trimmed_text(1000)] | None = None


class IssuerTokenCreate(StrictInput):
    name: Annotated[str, trimmed_text(200)] | None = None
    expires_at: AwareDatetime | None = None


class IssuerTokenCreated(BaseModel):
    """The only time the token is shown: store it now, credex keeps just its hash."""

    id: uuid.UUID
    token: str
    name: str
    role: str
    prefix: str
    issuer_id: uuid.UUID
    created_at: datetime
    expires_at: datetime | None


class IssuerTokenRead(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None
