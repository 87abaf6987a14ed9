"""Issuer rules: create (with a first signing key), read, update, tokens, public documents.

Isolation: every lookup for a caller goes through `repository.issuers_visible_to`; an issuer
that is not visible is reported as 404, exactly like one that does not exist.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.auth.tokens import IssuedToken, create_token
from credex.db.base import utcnow
from credex.db.models import ApiToken, Issuer, IssuerKey
from credex.errors import Forbidden, InvalidInput, NotFound, field_error
from credex.issuers import repository
from credex.issuers.public import did_document
from credex.issuers.schemas import (
    AddressIn,
    IssuerCreate,
    IssuerTokenCreate,
    IssuerUpdate,
    OtherIdentifier,
    QualityAssurance,
)
from credex.keys.provisioning import create_issuer_keys
from credex.pagination import paginate
from credex.settings import Settings

logger = logging.getLogger("credex.issuers")


ISSUER_CREATED = "issuer.created"
ISSUER_UPDATED = "issuer.updated"


@dataclass(frozen=True)
class IssuerView:
    issuer: Issuer
    active_key: IssuerKey | None


def require_visible_issuer(session: Session, principal: Principal, issuer_id: uuid.UUID) -> Issuer:
    issuer = repository.find_visible_issuer(session, principal, issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id")
    return issuer


def _address_parts(address: AddressIn | None) -> dict[str, Any] | None:
    """The stored address: everything but the country code, which lives in `Issuer.country`."""
    if address is None:
        return None
    return address.model_dump(exclude_none=True, exclude={"country_code"}) or None


def _reconcile_country(country: str | None, address: AddressIn | None) -> str | None:
    """`country` and `address.country_code` are one fact; refuse two different answers."""
    in_address = address.country_code if address else None
    if country and in_address and country != in_address:
        raise InvalidInput(
            "country and address.country_code disagree",
            errors=[
                field_error("/country", f"{country} differs from /address/country_code"),
                field_error("/address/country_code", f"{in_address} differs from /country"),
            ],
        )
    return country or in_address


def _identifiers(data: IssuerCreate | IssuerUpdate) -> list[dict[str, str]]:
    return [entry.model_dump() for entry in data.other_identifiers or []]


def create_issuer(
    session: Session,
    data: IssuerCreate,
    settings: Settings,
    *,
    issuer_id: uuid.UUID | None = None,
    actor: str | None = None,
) -> IssuerView:
    """Create the issuer and its first keys in the same unit of work: `key-1` (Ed25519) and
    `key-2` (P-256)."""
    issuer = Issuer(
        id=issuer_id or uuid.uuid4(),  # known before flush: the key's ciphertext is bound to it
        name=data.name,
        url=data.url,
        email=data.email,
        phone=data.phone,
        description=data.description,
        image=data.image,
        country=_reconcile_country(data.country, data.address),
        address=_address_parts(data.address),
        other_identifiers=_identifiers(data),
        quality_assurance=data.quality_assurance.model_dump() if data.quality_assurance else None,
        accreditation_note=data.accreditation_note,
        did_method="key" if data.did_method == "did:key" else "web",
    )
    session.add(issuer)
    session.flush()
    did_key = issuer.did_method == "key"
    kek = settings.resolve_key_encryption_key()
    keys = create_issuer_keys(session, issuer.id, kek, did_key=did_key)
    if did_key:
        issuer.did = keys[0].controller
        session.flush()
    if actor is not None:  # None: the demo loader and fixtures, which act as nobody
        audit.record(
            session,
            action=ISSUER_CREATED,
            actor=actor,
            issuer_id=issuer.id,
            object_type="issuer",
            object_id=str(issuer.id),
            details={"name": issuer.name},
        )
    logger.info("issuer created", extra={"issuer_id": str(issuer.id)})
    return IssuerView(issuer, keys[0])


def list_issuers(
    session: Session, principal: Principal, *, limit: int, cursor: str | None
) -> tuple[list[IssuerView], str | None]:
    rows, next_cursor = paginate(
        session,
        repository.issuers_visible_to(principal),
        created_at=Issuer.created_at,
        row_id=Issuer.id,
        limit=limit,
        cursor=cursor,
    )
    keys = repository.active_keys_by_issuer(session, [row.id for row in rows])
    return [IssuerView(row, keys.get(row.id)) for row in rows], next_cursor


def get_issuer(session: Session, principal: Principal, issuer_id: uuid.UUID) -> IssuerView:
    issuer = require_visible_issuer(session, principal, issuer_id)
    return IssuerView(issuer, repository.active_key(session, issuer.id))


_SIMPLE_FIELDS = ("url", "email", "phone", "description", "image", "accreditation_note")


def update_issuer(
    session: Session, principal: Principal, issuer_id: uuid.UUID, data: IssuerUpdate
) -> IssuerView:
    """Apply only the fields that were sent; `null` clears an optional field."""
    issuer = require_visible_issuer(session, principal, issuer_id)
    before = _audited(issuer)
    sent = data.model_fields_set
    if "name" in sent:
        if data.name is None:
            raise InvalidInput(
                "an issuer needs a name", errors=[field_error("/name", "must not be null")]
            )
        issuer.name = data.name
    for field in _SIMPLE_FIELDS:
        if field in sent:
            setattr(issuer, field, getattr(data, field))
    if "country" in sent or "address" in sent:
        address = data.address if "address" in sent else None
        country = data.country if "country" in sent else None
        code = _reconcile_country(country, address)
        if "address" in sent:
            issuer.address = _address_parts(address)
        if "country" in sent or code is not None:
            issuer.country = code
    if "other_identifiers" in sent:
        issuer.other_identifiers = _identifiers(data)
    if "quality_assurance" in sent:
        qa = data.quality_assurance
        issuer.quality_assurance = qa.model_dump() if qa else None
    session.flush()
    after = _audited(issuer)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changes:
        audit.record(
            session,
            action=ISSUER_UPDATED,
            actor=actor_label(principal),
            issuer_id=issuer.id,
            object_type="issuer",
            object_id=str(issuer.id),
            details=changes,
        )
    return IssuerView(issuer, repository.active_key(session, issuer.id))


_AUDITED_FIELDS = ("name", "country", "quality_assurance", "address", *_SIMPLE_FIELDS)


def _audited(issuer: Issuer) -> dict[str, Any]:
    return {name: getattr(issuer, name) for name in _AUDITED_FIELDS}


def create_issuer_token(
    session: Session, principal: Principal, issuer_id: uuid.UUID, data: IssuerTokenCreate
) -> IssuedToken:
    """Admins mint issuer tokens; an issuer asking about another issuer gets 404, not 403."""
    issuer = require_visible_issuer(session, principal, issuer_id)
    if not principal.is_admin:
        raise Forbidden("only an admin can create issuer tokens")
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise InvalidInput(
            "the token would already be expired",
            errors=[field_error("/expires_at", "must be in the future")],
        )
    issued = create_token(
        session,
        role="issuer",
        name=data.name or f"{issuer.name} API token",
        issuer_id=issuer.id,
        expires_at=data.expires_at,
        actor=actor_label(principal),
    )
    logger.info(
        "issuer token created",
        extra={"issuer_id": str(issuer.id), "token_id": str(issued.row.id)},
    )
    return issued


def list_issuer_tokens(
    session: Session,
    principal: Principal,
    issuer_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[ApiToken], str | None]:
    """The issuer's tokens (hashes stay inside; only names, prefixes and dates come out)."""
    issuer = require_visible_issuer(session, principal, issuer_id)
    return paginate(
        session,
        repository.tokens_of_issuer(issuer.id),
        created_at=ApiToken.created_at,
        row_id=ApiToken.id,
        limit=limit,
        cursor=cursor,
    )


def find_public_issuer(session: Session, issuer_id: uuid.UUID) -> Issuer | None:
    """The issuer behind the public Profile and page; every issuer is public (None: 404)."""
    return repository.find_issuer(session, issuer_id)


def _public_issuer(session: Session, issuer_id: uuid.UUID) -> Issuer:
    issuer = find_public_issuer(session, issuer_id)
    if issuer is None:
        raise NotFound("no issuer with this id")
    return issuer


def public_did_document(session: Session, issuer_id: uuid.UUID, base_url: str) -> dict[str, Any]:
    issuer = _public_issuer(session, issuer_id)
    if issuer.did_method == "key":
        raise NotFound(
            f"this issuer is identified by did:key ({issuer.did}): a did:key's document is "
            "derived from the identifier itself, so none is served here"
        )
    return did_document(issuer.id, repository.keys_of(session, issuer.id), base_url)


DEMO_ISSUER_ID = uuid.UUID("6f3b2a1e-8c4d-5e7f-9a0b-1c2d3e4f5a6b")


def ensure_demo_issuer(session: Session, settings: Settings) -> Issuer:
    """The demo CCI training provider (fixed id, so its DID survives reloads); idempotent."""
    existing = repository.find_issuer(session, DEMO_ISSUER_ID)
    if existing is not None:
        return existing
    data = IssuerCreate(
        name="Materahub Academy",
        url="https://academy.materahub.example",
        email="academy@materahub.example",
        phone="+39 0835 000 100",
        description=(
            "Training provider for the cultural and creative industries: short courses in "
            "audience development, creative entrepreneurship and digital heritage, designed "
            "with sector employers and assessed against published criteria."
        ),
        image="https://academy.materahub.example/static/logo.png",
        country="IT",
        address=AddressIn(
            street_address="Via Casalnuovo 15",
            locality="Matera",
            region="Basilicata",
            postal_code="75100",
            country="Italy",
        ),
        other_identifiers=[
            OtherIdentifier(identifier="IT01234567890", identifier_type="ext:LegalIdentifier"),
        ],
        quality_assurance=QualityAssurance(
            type="internal quality assurance aligned with ESG",
            body="Materahub Academy Quality Board",
            url="https://academy.materahub.example/quality-assurance",
        ),
        accreditation_note=(
            "Internal QA follows the Standards and Guidelines for Quality Assurance in the EHEA "
            "(ESG 2015), Part 1; reviewed yearly by an external panel of CCI employers."
        ),
    )
    view = create_issuer(session, data, settings, issuer_id=DEMO_ISSUER_ID)
    return view.issuer
