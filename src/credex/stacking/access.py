"""The learner- and credential-facing stacking operations, for a caller with a token.

Each starts by finding the learner or credential through the owning module's scoped helper
(`find_visible_learner`, `find_visible_credential`): another issuer's ids are 404, exactly as
on `/learners/{id}` and `/credentials/{id}`.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from sqlalchemy.orm import Session

from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.db.models import (
    Award,
    Credential,
    ExternalCredential,
    Learner,
    PathwayShare,
    StackingRule,
)
from credex.errors import NotFound
from credex.issuance.repository import find_visible_credential
from credex.learners.repository import find_visible_learner
from credex.pagination import paginate
from credex.settings import Settings
from credex.stacking import external, repository
from credex.stacking.external import Raw
from credex.stacking.intake import add_and_award
from credex.stacking.pathways import PathwayView, evaluate_and_award, pathway_views

SHARE_PATH = "/pathways/"


def visible_learner(session: Session, principal: Principal, learner_id: uuid.UUID) -> Learner:
    learner = find_visible_learner(session, principal, learner_id)
    if learner is None:
        raise NotFound(f"no learner {learner_id}")
    return learner


def pathways_page(
    session: Session,
    principal: Principal,
    learner_id: uuid.UUID,
    settings: Settings,
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[PathwayView], str | None]:
    """Progress on each of the issuer's rules (newest rule first, keyset-paginated)."""
    learner = visible_learner(session, principal, learner_id)
    rules, next_cursor = paginate(
        session,
        repository.rules_of_issuer(learner.issuer_id),
        created_at=StackingRule.created_at,
        row_id=StackingRule.id,
        limit=limit,
        cursor=cursor,
    )
    return pathway_views(session, learner, rules, settings), next_cursor


def evaluate_for(
    session: Session, principal: Principal, learner_id: uuid.UUID, settings: Settings
) -> tuple[list[Award], list[PathwayView]]:
    """Re-check the learner's pending external credentials, award what is due, show progress."""
    learner = visible_learner(session, principal, learner_id)
    pending = [
        row for row in repository.learner_externals(session, [learner.id]) if not row.verified
    ]
    external.recheck(session, pending, settings)
    awarded = evaluate_and_award(
        session, learner.issuer_id, learner.id, settings, actor=actor_label(principal)
    )
    rules = repository.issuer_rules(session, learner.issuer_id, active_only=True)
    return awarded, pathway_views(session, learner, rules, settings)


def share_link(
    session: Session, principal: Principal, learner_id: uuid.UUID, settings: Settings
) -> str:
    """A new unguessable link to the learner's progress page; the previous one stops working."""
    learner = visible_learner(session, principal, learner_id)
    token = secrets.token_urlsafe(32)
    token_hash = hash_token(token)
    share = repository.share_for_learner(session, learner.id)
    if share is None:
        session.add(
            PathwayShare(
                id=uuid.uuid4(),
                issuer_id=learner.issuer_id,
                learner_id=learner.id,
                token_hash=token_hash,
            )
        )
    else:
        share.token_hash = token_hash
    session.flush()
    return f"{settings.base_url}{SHARE_PATH}{token}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_external_for(
    session: Session, principal: Principal, learner_id: uuid.UUID, raw: Raw, settings: Settings
) -> tuple[ExternalCredential, bool]:
    """(the stored credential, whether it is new)."""
    learner = visible_learner(session, principal, learner_id)
    before = {row.id for row in repository.learner_externals(session, [learner.id])}
    stored = add_and_award(session, learner, raw, settings, actor=actor_label(principal))
    return stored, stored.id not in before


def stacked_for(
    session: Session,
    principal: Principal,
    credential_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[tuple[Award, Credential]], str | None]:
    """Stacked credentials that list this credential as a component (newest first)."""
    if find_visible_credential(session, principal, credential_id) is None:
        raise NotFound(f"no credential {credential_id}")
    awards, next_cursor = paginate(
        session,
        repository.stacked_using(credential_id),
        created_at=Award.created_at,
        row_id=Award.id,
        limit=limit,
        cursor=cursor,
    )
    stacked = repository.credentials_by_id(
        session, {a.credential_id for a in awards if a.credential_id}
    )
    pairs = [(a, stacked[a.credential_id]) for a in awards if a.credential_id in stacked]
    return pairs, next_cursor
