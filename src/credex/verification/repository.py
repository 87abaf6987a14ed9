"""Queries for verification. The trusted list is admin data (no tenant scoping); issuers are
read only for their public parts (DID document, name), as anyone may see them."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from credex.db.models import AwardComponent, Credential, Issuer, TrustedIssuer


def trusted_issuers() -> Select[TrustedIssuer]:
    """Every query for the trusted list starts here: registry entries without an accrediting
    body (accreditations proper are listed at `/api/v1/accreditations`)."""
    return select(TrustedIssuer).where(TrustedIssuer.accredited_by.is_(None))


def trusted_issuer_named(session: Session, issuer: str) -> TrustedIssuer | None:
    return session.scalar(trusted_issuers().where(TrustedIssuer.issuer == issuer))


def issuer_with_keys(session: Session, issuer_id: uuid.UUID) -> Issuer | None:
    """One query for an issuer and every key it ever had (what its DID document lists); the
    issuer then stays in the session, so the trust check that follows costs nothing."""
    stmt = select(Issuer).options(joinedload(Issuer.keys)).where(Issuer.id == issuer_id)
    return session.scalars(stmt).unique().one_or_none()


def public_credential_content(session: Session, credential_id: uuid.UUID) -> str | None:
    """The stored text of our credential `credential_id`, only if it was made public."""
    stmt = select(Credential.content).where(
        Credential.id == credential_id, Credential.public.is_(True)
    )
    return session.scalar(stmt)


def listed_component_content(session: Session, url: str) -> str | None:
    """The stored text of our credential at `url`, only if some stacked credential lists it
    (so the `components` check verifies it without a fetch, and this is no oracle for the
    status of arbitrary private credentials)."""
    stmt = (
        select(Credential.content)
        .join(AwardComponent, AwardComponent.credential_id == Credential.id)
        .where(AwardComponent.component_url == url)
        .limit(1)
    )
    return session.scalar(stmt)
