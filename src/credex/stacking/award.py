"""Awarding a stacked credential: exactly once per (rule, learner), listing its components.

The award row is claimed first (`INSERT … ON CONFLICT DO NOTHING` on the unique (rule, learner)
pair), then the credential is issued and linked, all in the caller's transaction and inside a
SAVEPOINT: a second trigger finds the row (PostgreSQL makes it wait for the first to commit)
and issues nothing, and a failure undoes this award only, never the issuance that triggered it.

The credential is the target achievement's OB 3.0 `OpenBadgeCredential`, built with the same
building blocks as single issuance, plus VC DM 2.0 `relatedResource`: per component its id,
its `digestMultibase` over the component as issued, and (for ours) the media type our public
URL serves it as. `issue_credential` has no hook for extra credential fields yet, hence the
parallel path here; see the module's notes in the report.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.core import CoreError, sign_credential
from credex.core.stacking import component_digest
from credex.core.status_list import build_status_entry
from credex.db.base import utcnow
from credex.db.models import (
    Achievement,
    Award,
    AwardComponent,
    Credential,
    Issuer,
    IssuerKey,
    Learner,
    StackingRule,
)
from credex.errors import Conflict, CredexError
from credex.issuance import repository as issuance
from credex.issuance.document import (
    CredentialFacts,
    add_months,
    build_credential,
    credential_issuer,
    embedded_achievement,
    to_second,
)
from credex.issuers.public import issuer_profile
from credex.keys.signer import signer_for_key
from credex.notifications import queue as notification_queue
from credex.settings import Settings
from credex.stacking import repository
from credex.stacking.facts import Component
from credex.status_lists import allocation
from credex.status_lists.repository import IETF_STATUS_LIST
from credex.status_lists.service import status_list_url

log = logging.getLogger(__name__)

MAX_INDEX_ATTEMPTS = 5
# What `GET /credentials/{id}` serves each format as (relatedResource `mediaType`, VC DM §5.3).
MEDIA_TYPES = {"ldp": "application/vc+ld+json", "jwt": "text/plain"}


def award_stacked(
    session: Session,
    rule: StackingRule,
    learner: Learner,
    components: Sequence[Component],
    settings: Settings,
    *,
    actor: str,
) -> Award | None:
    """The new award with its credential, or None when already awarded or not possible now."""
    context = issuance.issuance_context(session, rule.issuer_id, rule.target_achievement_id)
    key = context.signing_key if context else None
    if context is None or context.achievement.status != "published" or key is None:
        log.warning("stacking rule %s is satisfied but its target cannot be issued", rule.id)
        return None
    achievement, issuer = context.achievement, context.issuer
    savepoint = session.begin_nested()
    try:
        award = repository.claim_award(
            session, {"issuer_id": rule.issuer_id, "rule_id": rule.id, "learner_id": learner.id}
        )
        if award is None:
            savepoint.commit()
            return None
        credential = _issue(
            session,
            achievement=achievement,
            issuer=issuer,
            key=key,
            learner=learner,
            components=components,
            settings=settings,
        )
        award.credential_id = credential.id
        session.add_all(_component_rows(award.id, components))
        audit.record(
            session,
            action=audit.ISSUED,
            actor=actor,
            issuer_id=issuer.id,
            credential_id=credential.id,
            details={
                "achievement_id": str(achievement.id),
                "learner_id": str(learner.id),
                "format": "ldp",
                "stacking_rule_id": str(rule.id),
                "components": [component.id for component in components],
            },
        )
        session.flush()
        savepoint.commit()
    except (CredexError, CoreError):
        savepoint.rollback()
        log.exception("stacking rule %s: the stacked credential could not be issued", rule.id)
        return None
    return award


def related_resources(components: Sequence[Component]) -> list[dict[str, Any]]:
    """VC DM 2.0 §5.3 `relatedResource` entries, one per component, in a stable order."""
    resources = []
    for component in components:
        entry = {"id": component.id, "digestMultibase": component_digest(component.content)}
        if component.credential is not None:
            entry["mediaType"] = MEDIA_TYPES[component.credential.format]
        resources.append(entry)
    return resources


def _issue(
    session: Session,
    *,
    achievement: Achievement,
    issuer: Issuer,
    key: IssuerKey,
    learner: Learner,
    components: Sequence[Component],
    settings: Settings,
) -> Credential:
    """Issue the target achievement to the learner (what `issue_or_replay` does, plus
    `relatedResource`); the caller's transaction stores it exactly as signed."""
    base_url = settings.base_url
    valid_from = to_second(utcnow())
    names = "; ".join(component.achievement_name for component in components)
    facts = CredentialFacts(
        credential_id=uuid.uuid4(),
        base_url=base_url,
        issuer_profile=credential_issuer(issuer_profile(issuer, base_url)),
        achievement=embedded_achievement(session, achievement, issuer, base_url),
        email=learner.email,
        subject_did=learner.did,
        valid_from=valid_from,
        valid_until=(
            add_months(valid_from, achievement.validity_months)
            if achievement.validity_months
            else None
        ),
        awarded_date=valid_from,
        status_entry={},
        narrative=f"Awarded for completing its components: {names}.",
    )
    signer = signer_for_key(key, settings)
    related = related_resources(components)
    lost: set[int] = set()
    lost_tokens: set[int] = set()
    for _ in range(MAX_INDEX_ATTEMPTS):
        status_list, index = allocation.allocate(session, issuer.id, lost)
        token_list, token_index = allocation.allocate(
            session, issuer.id, lost_tokens, purpose=IETF_STATUS_LIST
        )
        facts.status_entry = build_status_entry(
            list_credential_url=status_list_url(status_list.id, base_url), index=index
        )
        signed = sign_credential(_with_related(build_credential(facts), related), signer)
        credential = issuance.insert_credential(
            session,
            {
                "id": facts.credential_id,
                "issuer_id": issuer.id,
                "achievement_id": achievement.id,
                "learner_id": learner.id,
                "format": "ldp",
                "status": "active",
                "public": False,
                "content": json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
                "status_list_id": status_list.id,
                "status_index": index,
                "token_list_id": token_list.id,
                "token_index": token_index,
                "valid_from": facts.valid_from,
                "awarded_at": facts.awarded_date,
                "valid_until": facts.valid_until,
                "idempotency_key": None,
                "request_hash": None,
            },
        )
        if credential is not None:
            if notification_queue.wanted(achievement):
                notification_queue.enqueue(session, [credential.id])
            allocation.maybe_roll_over(session, status_list)
            allocation.maybe_roll_over(session, token_list)
            return credential
        lost.add(index)
        lost_tokens.add(token_index)
    raise Conflict("no free status list index could be reserved for the stacked credential")


def _with_related(credential: dict[str, Any], related: list[dict[str, Any]]) -> dict[str, Any]:
    """`relatedResource` right after the subject (key order is cosmetic: the proof is over RDF)."""
    ordered: dict[str, Any] = {}
    for name, value in credential.items():
        ordered[name] = value
        if name == "credentialSubject":
            ordered["relatedResource"] = related
    return ordered


def _component_rows(award_id: uuid.UUID, components: Sequence[Component]) -> list[AwardComponent]:
    return [
        AwardComponent(
            id=uuid.uuid4(),
            award_id=award_id,
            position=position,
            component_url=component.id,
            digest=component_digest(component.content),
            credential_id=component.credential.id if component.credential else None,
            external_credential_id=component.external.id if component.external else None,
        )
        for position, component in enumerate(components)
    ]
