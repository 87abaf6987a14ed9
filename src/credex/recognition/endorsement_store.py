"""Endorsement rows as issuance and status lists need them (no service imports: no circles)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.db.models import Endorsement, Issuer


def active_endorsements(session: Session, achievement_id: uuid.UUID) -> list[dict[str, Any]]:
    """The signed EndorsementCredentials of an achievement not withdrawn, oldest first: what
    credentials issued now embed in `endorsement` (OB 3.0 §B.1.4 OpenBadgeCredential)."""
    rows = session.scalars(
        select(Endorsement.content)
        .where(Endorsement.achievement_id == achievement_id, Endorsement.withdrawn_at.is_(None))
        .order_by(Endorsement.created_at)
    )
    return [as_embedded(json.loads(text)) for text in rows]


def as_embedded(endorsement: dict[str, Any]) -> dict[str, Any]:
    """The OB 3.0 JSON Schema types an embedded credential's `proof` as an array; a one-element
    array is the same JSON-LD graph, so the proof still verifies."""
    proof = endorsement.get("proof")
    if isinstance(proof, dict):
        return {**endorsement, "proof": [proof]}
    return endorsement


def withdrawn_indexes(session: Session, list_id: uuid.UUID) -> list[int]:
    return list(
        session.scalars(
            select(Endorsement.status_index).where(
                Endorsement.status_list_id == list_id, Endorsement.withdrawn_at.is_not(None)
            )
        )
    )


def endorsements_of(
    session: Session, *, achievement_id: uuid.UUID | None = None, issuer_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """Current endorsements in words for the public pages: endorser, comment, link (oldest
    first)."""
    stmt = (
        select(Endorsement.id, Endorsement.comment, Issuer.name)
        .join(Issuer, Issuer.id == Endorsement.endorser_id)
        .where(Endorsement.withdrawn_at.is_(None))
        .order_by(Endorsement.created_at)
    )
    if achievement_id is not None:
        stmt = stmt.where(Endorsement.achievement_id == achievement_id)
    if issuer_id is not None:
        stmt = stmt.where(Endorsement.endorsed_issuer_id == issuer_id)
    return [
        {"endorser": name, "comment": comment, "href": f"/endorsements/{endorsement_id}"}
        for endorsement_id, comment, name in session.execute(stmt)
    ]
