"""A learner's earned credentials as stacking components: the facts the core evaluates, plus
what the API shows and what a stacked credential lists (the text as issued, for its digest).

Ids are the URLs credentials carry: `<base>/credentials/<id>`, `<base>/achievements/<id>`, the
issuer's DID. A rule may name one of its issuer's achievements by UUID; `achievement_key` turns
that into the same URL. Expired or revoked credentials are not components.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.core.stacking import ComponentFact
from credex.db.base import utcnow
from credex.db.models import Achievement, Credential, ExternalCredential
from credex.issuance.document import credential_url
from credex.issuers.public import issuer_did
from credex.stacking import repository


@dataclass(frozen=True)
class Component:
    fact: ComponentFact
    achievement_name: str
    content: str  # exactly as issued (or as submitted)
    credential: Credential | None = None
    external: ExternalCredential | None = None

    @property
    def id(self) -> str:
        return self.fact.credential_id

    @property
    def learner_id(self) -> uuid.UUID:
        """The learner record it belongs to (its credential's or its import's)."""
        holder = self.credential if self.credential is not None else self.external
        assert holder is not None  # a component is one or the other
        return holder.learner_id


def achievement_key(reference: str, base_url: str) -> str:
    """A rule's achievement reference as facts carry it: UUIDs become this service's URL."""
    try:
        return achievement_url(uuid.UUID(reference), base_url)
    except ValueError:
        return reference


def achievement_name(achievement: Achievement) -> str:
    names = achievement.name or {}
    return str(names.get(achievement.language) or next(iter(names.values()), str(achievement.id)))


def learner_components(
    session: Session, issuer_id: uuid.UUID, learner_ids: Collection[uuid.UUID], base_url: str
) -> list[Component]:
    """Active, unexpired credentials from the issuer, then external ones not already among them."""
    own = _own(session, issuer_id, learner_ids, base_url)
    seen = {component.id for component in own}
    external = [
        component
        for component in map(_external, repository.learner_externals(session, learner_ids))
        if component.id not in seen
    ]
    return own + external


def _own(
    session: Session, issuer_id: uuid.UUID, learner_ids: Collection[uuid.UUID], base_url: str
) -> list[Component]:
    rows = repository.learner_credentials(session, issuer_id, learner_ids)
    return own_components(session, issuer_id, rows, base_url)


def own_components(
    session: Session,
    issuer_id: uuid.UUID,
    rows: Sequence[tuple[Credential, Achievement]],
    base_url: str,
    *,
    with_competencies: bool = True,
) -> list[Component]:
    """Components for the issuer's (credential, achievement) pairs; expired ones left out.

    `with_competencies=False` skips the competency lookup (frameworks and codes stay empty):
    for callers that know no rule filters by them.
    """
    now = utcnow()
    rows = [(c, a) for c, a in rows if c.valid_until is None or c.valid_until > now]
    competency_ids = {
        uuid.UUID(cid)
        for _, achievement in rows
        for outcome in achievement.learning_outcomes
        for cid in outcome.get("competency_ids", [])
    }
    known = repository.competencies(session, competency_ids) if with_competencies else {}
    did = issuer_did(issuer_id, base_url)
    components = []
    for credential, achievement in rows:
        found = [
            known[uuid.UUID(cid)]
            for outcome in achievement.learning_outcomes
            for cid in outcome.get("competency_ids", [])
            if uuid.UUID(cid) in known
        ]
        fact = ComponentFact(
            credential_id=credential_url(credential.id, base_url),
            achievement_id=achievement_url(achievement.id, base_url),
            issuer_id=did,
            awarded_at=credential.awarded_at or credential.valid_from,
            ects=achievement.ects_credits,
            eqf_level=achievement.eqf_level,
            framework_ids=frozenset(str(c.framework_id) for c in found),
            competency_codes=frozenset(c.code for c in found),
        )
        name = achievement_name(achievement)
        components.append(Component(fact, name, credential.content, credential=credential))
    return components


def _external(row: ExternalCredential) -> Component:
    fact = ComponentFact(
        credential_id=row.credential_url or f"urn:uuid:{row.id}",
        achievement_id=row.achievement_key,
        issuer_id=row.credential_issuer,
        awarded_at=row.awarded_at,
        ects=row.ects_credits,
        eqf_level=row.eqf_level,
        framework_ids=frozenset(str(value) for value in row.framework_ids),
        competency_codes=frozenset(str(value) for value in row.competency_codes),
        verified=row.verified,
    )
    return Component(fact, row.achievement_name, row.content, external=row)


def labels(
    components: Sequence[Component], achievements: Collection[Achievement], base_url: str
) -> dict[str, str]:
    """Achievement key → display name, for progress summaries and "missing" lists."""
    found = {c.fact.achievement_id: c.achievement_name for c in components}
    found.update((achievement_url(a.id, base_url), achievement_name(a)) for a in achievements)
    return found
