"""Data portability and erasure for a learner (GDPR Art. 20 and 17).

Export: everything stored about the person, as JSON. Erasure: personal data goes, proof stays.
- Learner rows (one per issuer): the address is replaced by its unsalted SHA-256
  (`sha256$<hex>`, the OB IdentityHash form), name, DID and external id are cleared. An issuer
  can still match the person if they come back with the same address, and nothing else.
- Issued credentials are kept as signed: they carry only salted hashes of the address, so they
  stay verifiable without identifying anyone. Their public pages are switched off and their share
  links deleted.
- The person's tokens are revoked (their stored address hashed too), sign-in links and outbox
  messages deleted, and each issuer's audit log records the erasure (learner id only).
- A tombstone keeps the hash, the time and the counts, to answer "was this erased, and when?".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.core.credentials.identity import hash_identity
from credex.core.credentials.lexical import format_date_time
from credex.db.base import utcnow
from credex.db.models import (
    AccountTombstone,
    ApiToken,
    Credential,
    CredentialRendering,
    Issuer,
    Learner,
    MagicLink,
    OutboxMessage,
    ShareLink,
)
from credex.errors import Forbidden
from credex.oid4vci.erasure import erase_deliveries
from credex.recognition.rpl import delete_applications_of
from credex.wallet import import_ as imported
from credex.wallet import repository
from credex.wallet.schemas import AccountDeleted, AccountExport

ERASED_ACTION = "learner.erased"


def _email(principal: Principal) -> str:
    email = repository.person_email(principal)
    if email is None:
        raise Forbidden("this action needs a learner token")
    return email


def _when(value: datetime | None) -> str | None:
    return format_date_time(value.replace(microsecond=0)) if value else None


def export_account(session: Session, principal: Principal) -> AccountExport:
    email = _email(principal)
    learners = session.execute(
        repository.learners_of_person(principal)
        .add_columns(Issuer.name)
        .join(Issuer, Issuer.id == Learner.issuer_id)
        .order_by(Learner.created_at)
    ).all()
    credentials = repository.all_credentials(session, principal)
    links = session.scalars(
        repository.share_links_of_person(principal).order_by(ShareLink.created_at)
    ).all()
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.learner_email == email).order_by(ApiToken.created_at)
    ).all()
    sign_ins = session.scalars(
        select(MagicLink).where(MagicLink.email == email).order_by(MagicLink.created_at)
    ).all()
    outbox = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.created_at)
    ).all()
    return AccountExport(
        generated_at=utcnow(),
        email=email,
        learner_records=[_learner_record(row, issuer_name) for row, issuer_name in learners],
        credentials=[_credential_record(row) for row in credentials],
        share_links=[
            {
                "id": str(link.id),
                "credential_id": str(link.credential_id),
                "label": link.label,
                "created_at": _when(link.created_at),
                "expires_at": _when(link.expires_at),
                "revoked_at": _when(link.revoked_at),
                "open_count": link.open_count,
                "last_opened_at": _when(link.last_opened_at),
            }
            for link in links
        ],
        tokens=[
            {
                "id": str(token.id),
                "name": token.name,
                "prefix": token.prefix,
                "created_at": _when(token.created_at),
                "last_used_at": _when(token.last_used_at),
                "expires_at": _when(token.expires_at),
                "revoked_at": _when(token.revoked_at),
            }
            for token in tokens
        ],
        sign_in_links=[
            {
                "created_at": _when(link.created_at),
                "expires_at": _when(link.expires_at),
                "used_at": _when(link.used_at),
            }
            for link in sign_ins
        ],
        # Subjects and dates only: bodies hold sign-in links, which are secrets.
        outbox=[
            {"kind": m.kind, "subject": m.subject, "created_at": _when(m.created_at)}
            for m in outbox
        ],
        imported_credentials=imported.export_records(session, principal),
    )


def _learner_record(row: Learner, issuer_name: str) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "issuer": {"id": str(row.issuer_id), "name": issuer_name},
        "email": row.email,
        "name": row.name,
        "did": row.did,
        "external_id": row.external_id,
        "created_at": _when(row.created_at),
    }


def _credential_record(row: Credential) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "issuer_id": str(row.issuer_id),
        "achievement_id": str(row.achievement_id),
        "format": row.format,
        "status": row.status,
        "public": row.public,
        "valid_from": _when(row.valid_from),
        "valid_until": _when(row.valid_until),
        "issued_at": _when(row.created_at),
        "revoked_at": _when(row.revoked_at),
        "credential": row.document if row.format == "ldp" else row.content,
    }


def delete_account(session: Session, principal: Principal) -> AccountDeleted:
    email = _email(principal)
    delete_applications_of(session, email)  # RPL applications and their evidence files
    email_hash = hash_identity(email, None)
    now = utcnow()
    learners = session.scalars(repository.learners_of_person(principal).with_for_update()).all()
    credential_ids = session.scalars(
        repository.credentials_of_person(principal).with_only_columns(Credential.id)
    ).all()
    links_removed = session.execute(
        delete(ShareLink)
        .where(ShareLink.credential_id.in_(credential_ids))
        .execution_options(synchronize_session=False)
    )
    # Stored ELM renderings carry the learner's name; a later download rebuilds them without it.
    session.execute(
        delete(CredentialRendering)
        .where(CredentialRendering.credential_id.in_(credential_ids))
        .execution_options(synchronize_session=False)
    )
    erase_deliveries(session, credential_ids, email)
    session.execute(
        update(Credential)
        .where(Credential.id.in_(credential_ids))
        .values(public=False)
        .execution_options(synchronize_session=False)
    )
    imports_removed, imports_kept = imported.erase(session, [learner.id for learner in learners])
    actor = actor_label(principal)
    for learner in learners:
        learner.email = email_hash
        learner.name = learner.did = learner.external_id = None
        audit.record(
            session,
            action=ERASED_ACTION,
            actor=actor,
            issuer_id=learner.issuer_id,
            details={"learner_id": str(learner.id), "email_hash": email_hash},
        )
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.learner_email == email, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ApiToken)
        .where(ApiToken.learner_email == email)
        .values(learner_email=email_hash)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(MagicLink).where(MagicLink.email == email))
    session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == email))
    session.add(
        AccountTombstone(
            email_hash=email_hash,
            deleted_at=now,
            learner_records=len(learners),
            credentials=len(credential_ids),
        )
    )
    session.flush()
    return AccountDeleted(
        deleted_at=now,
        email_hash=email_hash,
        learner_records=len(learners),
        credentials=len(credential_ids),
        tokens_revoked=int(getattr(revoked, "rowcount", 0) or 0),
        share_links_removed=int(getattr(links_removed, "rowcount", 0) or 0),
        imported_removed=imports_removed,
        imported_kept_as_award_evidence=imports_kept,
    )
