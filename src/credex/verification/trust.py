"""Whom a verification report may call trusted: this service's issuers and the registry.

The accreditation registry (`/api/v1/accreditations`, `credex.recognition.accreditations`)
holds both accreditations (with an accrediting body, scope and validity window) and bare
trusted-list entries made by admins (`/api/v1/trusted-issuers`, same table). An issuer that is
neither one of ours nor in the registry is *unknown*: the report shows a warning, never a
failure, because a valid credential from an issuer we have not vetted is still valid.

The separate `accreditation` check (see `accreditation_check`) passes for a provider with a
valid accreditation and fails (not required: the credential itself stays genuine) for one whose
accreditation expired.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.core.verification.report import VerificationReport
from credex.db.models import TrustedIssuer
from credex.errors import Conflict, NotFound
from credex.issuers import repository as issuers
from credex.pagination import paginate
from credex.recognition.accreditations import AccreditationStanding, standing_of
from credex.settings import Settings
from credex.verification.repository import trusted_issuer_named, trusted_issuers
from credex.verification.schemas import TrustedIssuerCreate

TrustKind = Literal[
    "this-service", "accredited", "trusted-list", "accreditation-expired", "unknown"
]


@dataclass(frozen=True)
class IssuerTrust:
    kind: TrustKind
    label: str
    accreditation: AccreditationStanding | None = None

    def to_dict(self) -> dict[str, str]:
        found = {"status": self.kind, "label": self.label}
        if self.accreditation is not None:
            found["accreditation"] = self.accreditation.words
        return found


UNKNOWN = IssuerTrust("unknown", "not one of this service's issuers, nor in its registry")


def issuer_trust(
    session: Session | None, settings: Settings, issuer: str | None, now: datetime | None = None
) -> IssuerTrust:
    if session is None or not issuer:
        return UNKNOWN
    standing = standing_of(session, issuer, now or datetime.now(UTC))
    own = issuers.find_issuer_by_did(session, issuer, settings.base_url)
    if own is not None:
        label = f"an issuer registered with this service ({own.name})"
        if standing is not None:
            label += f"; {standing.words}"
        return IssuerTrust("this-service", label, standing)
    if standing is not None and standing.state == "valid":
        return IssuerTrust("accredited", standing.words, standing)
    listed = trusted_issuer_named(session, issuer)
    if listed is not None and listed.accredited_by is None:
        return IssuerTrust(
            "trusted-list", f"on this service's trusted issuers list ({listed.name})", standing
        )
    if standing is not None:
        return IssuerTrust("accreditation-expired", standing.words, standing)
    return UNKNOWN


def accreditation_check(report: VerificationReport, trust: IssuerTrust) -> None:
    """The documented `accreditation` check (not required: a warning when it fails).

    Passed: a valid accreditation. Failed: the accreditation expired (or is not yet valid).
    Without a record there is no accreditation to state and no check: a provider unknown to
    this service and its registry already gets the `issuer` warning.
    """
    standing = trust.accreditation
    if standing is not None:
        outcome: Literal["passed", "failed"] = "passed" if standing.state == "valid" else "failed"
        report.add("accreditation", outcome, standing.words, required=False)


class TrustResolver:
    """A `credex.core` TrustLookup over the database, remembering answers for one request."""

    def __init__(
        self, session: Session | None, settings: Settings, now: datetime | None = None
    ) -> None:
        self._session = session
        self._settings = settings
        self._now = now
        self._seen: dict[str, IssuerTrust] = {}

    def trust(self, issuer: str | None) -> IssuerTrust:
        if not issuer:
            return UNKNOWN
        if issuer not in self._seen:
            self._seen[issuer] = issuer_trust(self._session, self._settings, issuer, self._now)
        return self._seen[issuer]

    def __call__(self, issuer: str) -> str | None:
        found = self.trust(issuer)
        return None if found.kind in ("unknown", "accreditation-expired") else found.label


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
