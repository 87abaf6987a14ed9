"""Whom a verification report may call trusted: this service's issuers and the admin's list.

The trusted list is maintained by admins (`/api/v1/trusted-issuers`). An issuer that is neither
one of ours nor on the list is *unknown*: the report shows a warning, never a failure, because a
valid credential from an issuer we have not vetted is still valid.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.db.models import TrustedIssuer
from credex.errors import Conflict, NotFound
from credex.issuers import repository as issuers
from credex.pagination import paginate
from credex.settings import Settings
from credex.verification.repository import trusted_issuer_named, trusted_issuers
from credex.verification.schemas import TrustedIssuerCreate

TrustKind = Literal["this-service", "trusted-list", "unknown"]


@dataclass(frozen=True)
class IssuerTrust:
    kind: TrustKind
    label: str

    def to_dict(self) -> dict[str, str]:
        return {"status": self.kind, "label": self.label}


UNKNOWN = IssuerTrust("unknown", "not one of this service's issuers, nor on its trusted list")


def issuer_trust(session: Session | None, settings: Settings, issuer: str | None) -> IssuerTrust:
    if session is None or not issuer:
        return UNKNOWN
    own = issuers.find_issuer_by_did(session, issuer, settings.base_url)
    if own is not None:
        return IssuerTrust("this-service", f"an issuer registered with this service ({own.name})")
    listed = trusted_issuer_named(session, issuer)
    if listed is not None:
        return IssuerTrust(
            "trusted-list", f"on this service's trusted issuers list ({listed.name})"
        )
    return UNKNOWN


class TrustResolver:
    """A `credex.core` TrustLookup over the database, remembering answers for one request."""

    def __init__(self, session: Session | None, settings: Settings) -> None:
        self._session = session
        self._settings = settings
        self._seen: dict[str, IssuerTrust] = {}

    def trust(self, issuer: str | None) -> IssuerTrust:
        if not issuer:
            return UNKNOWN
        if issuer not in self._seen:
            self._seen[issuer] = issuer_trust(self._session, self._settings, issuer)
        return self._seen[issuer]

    def __call__(self, issuer: str) -> str | None:
        found = self.trust(issuer)
        return None if found.kind == "unknown" else found.label


TRUST_ADDED = "trusted_issuer.added"
TRUST_REMOVED = "trusted_issuer.removed"


def _record(session: Session, action: str, actor: str | None, row: TrustedIssuer) -> None:
    if actor is not None:
        audit.record(
            session,
            action=action,
            actor=actor,
            issuer_id=None,
            object_type="trusted_issuer",
            object_id=str(row.id),
            details={"issuer": row.issuer, "name": row.name},
        )


def add_trusted_issuer(
    session: Session, data: TrustedIssuerCreate, *, actor: str | None = None
) -> TrustedIssuer:
    if trusted_issuer_named(session, data.issuer) is not None:
        raise Conflict(f"{data.issuer} is already on the trusted issuers list")
    row = TrustedIssuer(issuer=data.issuer, name=data.name, note=data.note)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:  # a concurrent request added it first
        raise Conflict(f"{data.issuer} is already on the trusted issuers list") from exc
    _record(session, TRUST_ADDED, actor, row)
    return row


def list_trusted_issuers(
    session: Session, *, limit: int, cursor: str | None
) -> tuple[Sequence[TrustedIssuer], str | None]:
    return paginate(
        session,
        trusted_issuers(),
        created_at=TrustedIssuer.created_at,
        row_id=TrustedIssuer.id,
        limit=limit,
        cursor=cursor,
    )


def get_trusted_issuer(session: Session, entry_id: uuid.UUID) -> TrustedIssuer:
    row = session.scalar(trusted_issuers().where(TrustedIssuer.id == entry_id))
    if row is None:
        raise NotFound("no trusted issuer entry with this id")
    return row


def remove_trusted_issuer(
    session: Session, entry_id: uuid.UUID, *, actor: str | None = None
) -> None:
    row = get_trusted_issuer(session, entry_id)
    _record(session, TRUST_REMOVED, actor, row)
    session.delete(row)
    session.flush()
