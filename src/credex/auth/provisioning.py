"""Checks before minting a token for an issuer or learner from the command line."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from credex.db.models import Issuer
from credex.errors import InvalidInput, NotFound, field_error


def check_token_target(
    session: Session, role: str, issuer_id: uuid.UUID | None, email: str | None
) -> str | None:
    """Validate the binding a role needs; returns the normalized learner email, if any."""
    if role == "issuer" and issuer_id is None:
        raise InvalidInput(
            "--issuer is required for issuer tokens", errors=[field_error("/issuer", "required")]
        )
    if role == "issuer" and session.get(Issuer, issuer_id) is None:
        raise NotFound(f"no issuer with id {issuer_id}; create it first (POST /api/v1/issuers)")
    if role == "learner":
        if not email or "@" not in email:
            raise InvalidInput(
                "--email is required for learner tokens", errors=[field_error("/email", "required")]
            )
        return email.strip().lower()
    return None
