"""Issuing credentials: the one service function bulk issuance builds on (work in progress)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from credex.db.models import Credential
from credex.issuance.schemas import IssueRequest
from credex.settings import Settings

IssuedCredential = Credential


def issue_credential(
    session: Session,
    issuer_id: uuid.UUID,
    request: IssueRequest,
    settings: Settings,
    *,
    actor: str,
) -> IssuedCredential:
    """Issue one credential to one learner; never commits (the caller's unit of work does)."""
    raise NotImplementedError


def public_credential(session: Session, credential_id: uuid.UUID) -> IssuedCredential | None:
    """The credential when its holder/issuer made it public, else None."""
    raise NotImplementedError
