"""After issuance: the issuer's lookups and the changes a credential can go through.

Revocation is final and sets the credential's bit in its status list (the list is re-signed on
its next GET). Suspension is not offered: OB 3.0 allows ONE `credentialStatus` object (a set is
invalid against the official OB JSON Schema) and credex uses it for revocation; a suspension
entry would need a second one, so `/suspend` and `/reinstate` answer 409 saying so.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import NoReturn

from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.auth.principal import Principal
from credex.db.base import utcnow
from credex.db.models import Credential
from credex.errors import Conflict, NotFound
from credex.issuance import repository
from credex.pagination import paginate
from credex.status_lists import repository as status_lists


def get_credential(session: Session, principal: Principal, credential_id: uuid.UUID) -> Credential:
    found = repository.find_visible_credential(session, principal, credential_id)
    if found is None:
        raise NotFound(f"no credential {credential_id}")
    return found


def list_credentials(
    session: Session,
    principal: Principal,
    *,
    issuer_id: uuid.UUID | None,
    learner_id: uuid.UUID | None,
    achievement_id: uuid.UUID | None,
    status: str | None,
    fmt: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Credential], str | None]:
    stmt = repository.credentials_visible_to(principal, issuer_id)
    for column, value in (
        (Credential.learner_id, learner_id),
        (Credential.achievement_id, achievement_id),
        (Credential.status, status),
        (Credential.format, fmt),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return paginate(
        session,
        stmt,
        created_at=Credential.created_at,
        row_id=Credential.id,
        limit=limit,
        cursor=cursor,
    )


def revoke_credential(
    session: Session, principal: Principal, credential_id: uuid.UUID, reason: str, *, actor: str
) -> Credential:
    """Final: the list bit is set and stays set; a second revocation is a 409."""
    credential = _for_change(session, principal, credential_id)
    if credential.status == "revoked":
        raise Conflict(f"credential {credential_id} is already revoked; revocation is final")
    now = utcnow()
    credential.status = "revoked"
    credential.revoked_at = now
    credential.revocation_reason = reason
    status_lists.mark_changed(session, credential.status_list_id)
    audit.record(
        session,
        action=audit.REVOKED,
        actor=actor,
        issuer_id=credential.issuer_id,
        credential_id=credential.id,
        reason=reason,
        details={"status_list_id": str(credential.status_list_id)},
    )
    return credential


def set_visibility(
    session: Session, principal: Principal, credential_id: uuid.UUID, public: bool, *, actor: str
) -> Credential:
    credential = _for_change(session, principal, credential_id)
    if credential.public != public:
        credential.public = public
        audit.record(
            session,
            action=audit.VISIBILITY_CHANGED,
            actor=actor,
            issuer_id=credential.issuer_id,
            credential_id=credential.id,
            details={"public": public},
        )
    return credential


def refuse_suspension(
    session: Session, principal: Principal, credential_id: uuid.UUID, action: str
) -> NoReturn:
    _for_change(session, principal, credential_id)  # others' credentials stay 404
    raise Conflict(
        f"credentials cannot be {action}: Open Badges 3.0 allows one credentialStatus object, "
        "which credex uses for revocation; a suspension entry would need a second one. "
        "Revoke the credential (final) and issue a new one instead."
    )


def _for_change(session: Session, principal: Principal, credential_id: uuid.UUID) -> Credential:
    found = repository.find_visible_credential(session, principal, credential_id, for_update=True)
    if found is None:
        raise NotFound(f"no credential {credential_id}")
    return found
