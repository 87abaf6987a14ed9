"""After issuance: the issuer's lookups and the changes a credential can go through.

One record, one status (`active`, `suspended`, `revoked`), shown by every form of it:
- Revocation is final. In one transaction it sets the credential's bit in its Bitstring
  Status List (the OB 3.0 form) and its entry in its IETF Token Status List to INVALID (the
  SD-JWT VC form); both lists are re-signed on their next GET.
- Suspension and reinstatement exist for the SD-JWT VC form only: its Token Status List entry
  has 2 bits (SUSPENDED = 2). OB 3.0 allows ONE `credentialStatus` object and credex uses it for
  revocation, so the OB 3.0 form cannot show a suspension: its Bitstring entry stays unset and
  verifiers of that form see it valid. The API's `status` says `suspended`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.auth.principal import Principal
from credex.db.base import utcnow
from credex.db.models import Credential
from credex.errors import Conflict, NotFound
from credex.issuance import repository
from credex.pagination import paginate
from credex.status_lists import repository as status_lists
from credex.status_lists import token_list


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
    session: Session,
    principal: Principal,
    credential_id: uuid.UUID,
    reason: str,
    *,
    actor: str,
    public_reason: str | None = None,
) -> Credential:
    """Final: the list bit is set and stays set; a second revocation is a 409.

    `reason` is internal; `public_reason`, when given, is shown to verifiers beside the date.
    """
    credential = _for_change(session, principal, credential_id)
    if credential.status == "revoked":
        raise Conflict(f"credential {credential_id} is already revoked; revocation is final")
    now = utcnow()
    credential.status = "revoked"
    credential.revoked_at = now
    credential.revocation_reason = reason
    credential.revocation_public_reason = public_reason or None
    status_lists.mark_changed(session, credential.status_list_id)
    if credential.token_list_id is not None:
        status_lists.mark_changed(session, credential.token_list_id)
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


def suspend_credential(
    session: Session,
    principal: Principal,
    credential_id: uuid.UUID,
    reason: str,
    *,
    actor: str,
    base_url: str,
) -> Credential:
    """Active → suspended: the Token Status List entry becomes SUSPENDED (an entry is drawn
    for credentials issued before token lists existed). Revoked or suspended → 409."""
    credential = _for_change(session, principal, credential_id)
    if credential.status != "active":
        raise Conflict(
            f"credential {credential_id} is {credential.status}; only active ones can be suspended"
        )
    token_list.status_of(session, credential, base_url)  # makes sure the entry exists
    credential.status = "suspended"
    credential.suspended_at = utcnow()
    return _status_changed(session, credential, audit.SUSPENDED, reason, actor)


def reinstate_credential(
    session: Session, principal: Principal, credential_id: uuid.UUID, reason: str, *, actor: str
) -> Credential:
    """Suspended → active: the Token Status List entry is VALID again. Otherwise 409."""
    credential = _for_change(session, principal, credential_id)
    if credential.status != "suspended":
        raise Conflict(f"credential {credential_id} is {credential.status}, not suspended")
    credential.status = "active"
    credential.suspended_at = None
    return _status_changed(session, credential, audit.REINSTATED, reason, actor)


def _status_changed(
    session: Session, credential: Credential, action: str, reason: str, actor: str
) -> Credential:
    assert credential.token_list_id is not None
    status_lists.mark_changed(session, credential.token_list_id)
    audit.record(
        session,
        action=action,
        actor=actor,
        issuer_id=credential.issuer_id,
        credential_id=credential.id,
        reason=reason,
        details={"token_status_list_id": str(credential.token_list_id)},
    )
    return credential


def _for_change(session: Session, principal: Principal, credential_id: uuid.UUID) -> Credential:
    found = repository.find_visible_credential(session, principal, credential_id, for_update=True)
    if found is None:
        raise NotFound(f"no credential {credential_id}")
    return found
