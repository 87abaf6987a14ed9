"""The accreditation registry: who accredited a provider, for what scope, from when until when.

Cedefop's work on trust in qualifications asks verifiers to tell an accredited provider from a
"rogue" one. A record names the provider as credentials name their issuer (a DID or URL; one of
this service's issuers may be given by id), the accrediting body, the scope (fields and EQF
levels), the validity window and a source link. Verification reads it (`standing_of`): the
report says "accredited by … for … until …", and the separate `accreditation` check fails for
an accreditation that has expired.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import Accreditation, Issuer
from credex.errors import NotFound
from credex.issuers.public import issuer_identifier
from credex.pagination import paginate

Standing = Literal["valid", "expired", "not-yet-valid"]


@dataclass(frozen=True)
class AccreditationStanding:
    """The best registry record for one issuer at one instant, in words."""

    state: Standing
    words: str


def accredited(session: Session, issuer: str) -> Sequence[Accreditation]:
    """Records with an accrediting body (bare trusted-list entries have none)."""
    stmt = select(Accreditation).where(
        Accreditation.issuer == issuer, Accreditation.accredited_by.is_not(None)
    )
    return session.scalars(stmt.order_by(Accreditation.created_at)).all()


def scope_words(row: Accreditation) -> str:
    fields = ", ".join(str(field) for field in row.scope_fields)
    levels = "/".join(str(level) for level in row.scope_eqf_levels)
    parts = [fields] if fields else []
    if levels:
        parts.append(f"EQF level{'s' if len(row.scope_eqf_levels) > 1 else ''} {levels}")
    return " at ".join(parts) if parts else "all its provision"


def describe(row: Accreditation, state: Standing) -> str:
    until = row.valid_until.date().isoformat() if row.valid_until else None
    scope = scope_words(row)
    if state == "expired":
        return f"accreditation by {row.accredited_by} for {scope} expired on {until}"
    if state == "not-yet-valid" and row.valid_from is not None:
        start = row.valid_from.date().isoformat()
        return f"accredited by {row.accredited_by} for {scope} from {start} only"
    return f"accredited by {row.accredited_by} for {scope} until {until or 'further notice'}"


def state_at(row: Accreditation, now: datetime) -> Standing:
    if row.valid_from is not None and now < row.valid_from:
        return "not-yet-valid"
    if row.valid_until is not None and now >= row.valid_until:
        return "expired"
    return "valid"


def standing_of(session: Session, issuer: str, now: datetime) -> AccreditationStanding | None:
    """A valid record wins; otherwise the latest one that is no longer (or not yet) valid."""
    rows = accredited(session, issuer)
    if not rows:
        return None
    states = [(state_at(row, now), row) for row in rows]
    for state, row in states:
        if state == "valid":
            return AccreditationStanding(state, describe(row, state))
    state, row = states[-1]
    return AccreditationStanding(state, describe(row, state))


def resolve_issuer(session: Session, given: str, base_url: str) -> tuple[str, str | None]:
    """A DID/URL as is; an id of one of this service's issuers becomes its DID (and name)."""
    try:
        issuer_id = uuid.UUID(given)
    except ValueError:
        return given, None
    issuer = session.get(Issuer, issuer_id)
    if issuer is None:
        raise NotFound(f"no issuer {given} on this service (give a DID or URL instead)")
    return issuer_identifier(issuer, base_url), issuer.name


def add(session: Session, data: dict[str, Any], base_url: str) -> Accreditation:
    issuer, own_name = resolve_issuer(session, data["issuer"], base_url)
    row = Accreditation(
        issuer=issuer,
        name=data.get("name") or own_name or issuer,
        note=data.get("note"),
        accredited_by=data["accredited_by"],
        scope_fields=list(data.get("scope_fields") or []),
        scope_eqf_levels=sorted(set(data.get("scope_eqf_levels") or [])),
        valid_from=data.get("valid_from") or utcnow(),
        valid_until=data.get("valid_until"),
        source=data.get("source"),
    )
    session.add(row)
    session.flush()
    return row


def list_records(
    session: Session, *, issuer: str | None, limit: int, cursor: str | None
) -> tuple[Sequence[Accreditation], str | None]:
    stmt = select(Accreditation).where(Accreditation.accredited_by.is_not(None))
    if issuer:
        stmt = stmt.where(Accreditation.issuer == issuer)
    return paginate(
        session,
        stmt,
        created_at=Accreditation.created_at,
        row_id=Accreditation.id,
        limit=limit,
        cursor=cursor,
    )


def get_record(session: Session, record_id: uuid.UUID) -> Accreditation:
    row = session.get(Accreditation, record_id)
    if row is None or row.accredited_by is None:
        raise NotFound("no accreditation record with this id")
    return row
