"""Issuing one credential (lookups and status changes are in `lifecycle.py`).

`issue_credential` is THE issuance path (bulk issuance calls it per item): load the published
achievement with its issuer and active key (one query) → find or create the learner →
draw a random free status index → build the OB 3.0 credential → sign once → INSERT it exactly
as signed → audit entry. Services never commit; the caller's unit of work does, so a failure
anywhere leaves nothing behind (not even a newly created learner).

The credential carries ONE `credentialStatus` (OB 3.0 allows a single object): a revocation
`BitstringStatusListEntry`. Its IETF Token Status List entry (for the SD-JWT VC form, which can
also show suspension, see `lifecycle.py`) is drawn in the same transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.core import CoreError, sign_credential
from credex.core.status_list import build_status_entry
from credex.db.base import utcnow
from credex.db.models import Achievement, Credential, Issuer, IssuerKey
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.issuance import idempotency, repository
from credex.issuance.document import (
    CredentialFacts,
    add_months,
    build_credential,
    credential_issuer,
    embedded_achievement,
    evidence_json,
    to_second,
)
from credex.issuance.followups import after_issuance
from credex.issuance.grading import result_of
from credex.issuance.language import credential_language
from credex.issuance.repository import IssuanceContext
from credex.issuance.schemas import IssueRequest
from credex.issuers.public import issuer_profile
from credex.keys.signer import IssuerKeySigner, signer_for_issuer, signer_for_key
from credex.learners.service import learner_for_issuance
from credex.learners.tenancy import acting_issuer_id
from credex.notifications import queue as notification_queue
from credex.recognition.endorsement_store import active_endorsements
from credex.settings import Settings
from credex.status_lists import allocation
from credex.status_lists.repository import IETF_STATUS_LIST
from credex.status_lists.service import status_list_url

IssuedCredential = Credential
MAX_INDEX_ATTEMPTS = 5


@dataclass(frozen=True)
class IssueOutcome:
    credential: Credential
    created: bool  # False: an earlier request with the same Idempotency-Key issued it


def issue_credential(
    session: Session,
    issuer_id: uuid.UUID,
    request: IssueRequest,
    settings: Settings,
    *,
    actor: str,
    idempotency_key: str | None = None,
) -> IssuedCredential:
    """Issue one credential to one learner for `issuer_id` (already authorised by the caller)."""
    outcome = issue_or_replay(
        session, issuer_id, request, settings, actor=actor, idempotency_key=idempotency_key
    )
    return outcome.credential


def issue_as(
    session: Session,
    principal: Principal,
    request: IssueRequest,
    settings: Settings,
    *,
    idempotency_key: str | None = None,
) -> IssueOutcome:
    """Issue for the caller's issuer (admins: the `issuer_id` they name)."""
    issuer_id = acting_issuer_id(session, principal, request.issuer_id)
    return issue_or_replay(
        session,
        issuer_id,
        request,
        settings,
        actor=actor_label(principal),
        idempotency_key=idempotency_key,
    )


def issue_or_replay(
    session: Session,
    issuer_id: uuid.UUID,
    request: IssueRequest,
    settings: Settings,
    *,
    actor: str,
    idempotency_key: str | None = None,
) -> IssueOutcome:
    key = idempotency.checked_key(idempotency_key)
    hashed = idempotency.request_hash(request) if key else None
    if key:
        earlier = repository.by_idempotency_key(session, issuer_id, key)
        if earlier is not None:
            return IssueOutcome(idempotency.replayed(earlier, hashed), created=False)
    context = _checked_context(session, issuer_id, request)
    achievement = context.achievement
    if request.language:  # refuse a language the achievement lacks before writing anything
        credential_language(achievement, request.language, None)
    facts = _facts(session, request, achievement, context.issuer, settings.base_url)  # validates
    chosen = learner_for_issuance(session, issuer_id, request.learner, request.learner_id)
    learner = chosen.learner
    facts.subject_did = learner.did
    facts.email = learner.email
    language = credential_language(achievement, request.language, learner.preferred_language)
    if language != achievement.language:
        facts.achievement = embedded_achievement(
            session, achievement, context.issuer, settings.base_url, language
        )
    assert context.signing_key is not None  # checked by _checked_context
    signer = _signer(session, context.signing_key, request, settings)
    if facts.issuer_profile["id"] != signer.controller:  # a did:key issuer's P-256 did:key
        facts.issuer_profile = {**facts.issuer_profile, "id": signer.controller}
    lost: set[int] = set()
    lost_tokens: set[int] = set()
    for _ in range(MAX_INDEX_ATTEMPTS):
        status_list, index = allocation.allocate(session, issuer_id, lost, context.open_list)
        token_list, token_index = allocation.allocate(
            session, issuer_id, lost_tokens, context.open_token_list, purpose=IETF_STATUS_LIST
        )
        facts.status_entry = build_status_entry(
            list_credential_url=status_list_url(status_list.id, settings.base_url), index=index
        )
        credential = repository.insert_credential(
            session,
            {
                "id": facts.credential_id,
                "issuer_id": issuer_id,
                "achievement_id": achievement.id,
                "learner_id": learner.id,
                "format": request.format,
                "status": "active",
                "public": bool(request.public),
                "content": _signed_text(facts, signer, request.format, request.cryptosuite),
                "status_list_id": status_list.id,
                "status_index": index,
                "token_list_id": token_list.id,
                "token_index": token_index,
                "valid_from": facts.valid_from,
                "awarded_at": facts.awarded_date,
                "valid_until": facts.valid_until,
                "idempotency_key": key,
                "request_hash": hashed,
            },
        )
        if credential is not None:
            break
        if key:  # a concurrent request with the same key may have won
            earlier = repository.by_idempotency_key(session, issuer_id, key)
            if earlier is not None:
                return IssueOutcome(idempotency.replayed(earlier, hashed), created=False)
        lost.add(index)
        lost_tokens.add(token_index)
    else:
        raise Conflict("no free status list index could be reserved; retry the request")
    audit.record(
        session,
        action=audit.ISSUED,
        actor=actor,
        issuer_id=issuer_id,
        credential_id=credential.id,
        details={
            "achievement_id": str(achievement.id),
            "learner_id": str(learner.id),
            "format": request.format,
        },
    )
    if notification_queue.wanted(achievement, request.notify):
        notification_queue.enqueue(session, [credential.id])
    allocation.maybe_roll_over(session, status_list)
    allocation.maybe_roll_over(session, token_list)
    # A new credential may complete a stacking pathway: its award (if any) is issued in this
    # same transaction, exactly once per rule and learner (see `followups`).
    after_issuance(
        session,
        issuer_id,
        [(credential, achievement)],
        {learner.id} if chosen.created else set(),
        settings,
        actor=actor,
    )
    return IssueOutcome(credential, created=True)


def _issuance_context(
    session: Session, issuer_id: uuid.UUID, request: IssueRequest
) -> tuple[Achievement, Issuer, IssuerKey]:
    """The published achievement, its issuer and active signing key (404/409 otherwise)."""
    context = _checked_context(session, issuer_id, request)
    assert context.signing_key is not None  # checked above
    return context.achievement, context.issuer, context.signing_key


def _checked_context(
    session: Session, issuer_id: uuid.UUID, request: IssueRequest
) -> IssuanceContext:
    context = repository.issuance_context(session, issuer_id, request.achievement_id)
    if context is None:
        raise NotFound(f"no achievement {request.achievement_id}")
    achievement = context.achievement
    if achievement.status != "published":
        raise Conflict(
            f"achievement {achievement.id} is {achievement.status}; only published achievements "
            "can be awarded"
        )
    if context.signing_key is None:
        raise Conflict("this issuer has no active signing key; rotate to create one")
    return context


@dataclass(frozen=True)
class SharedDocuments:
    """The parts every credential of one achievement embeds as they are."""

    issuer: dict[str, Any]
    achievement: dict[str, Any]
    endorsements: list[dict[str, Any]]


def shared_documents(
    session: Session, achievement: Achievement, issuer: Issuer, base_url: str
) -> SharedDocuments:
    return SharedDocuments(
        issuer=credential_issuer(issuer_profile(issuer, base_url)),
        achievement=embedded_achievement(session, achievement, issuer, base_url),
        endorsements=active_endorsements(session, achievement.id),
    )


def _facts(
    session: Session,
    request: IssueRequest,
    achievement: Achievement,
    issuer: Issuer,
    base_url: str,
    *,
    shared: SharedDocuments | None = None,
) -> CredentialFacts:
    """Everything but the learner and the status entry, validated against the achievement.

    `shared`: the issuer profile and embedded achievement when the caller issues many
    credentials of one achievement (bulk): built once and shared, never modified.
    """
    valid_from = to_second(request.valid_from or utcnow())
    if (
        request.activity_start
        and request.activity_end
        and request.activity_start > request.activity_end
    ):
        raise InvalidInput(
            "the activity cannot end before it starts",
            errors=[field_error("/activity_end", "earlier than activity_start")],
        )
    valid_until = (
        add_months(valid_from, achievement.validity_months) if achievement.validity_months else None
    )
    parts = shared or shared_documents(session, achievement, issuer, base_url)
    return CredentialFacts(
        credential_id=uuid.uuid4(),
        base_url=base_url,
        issuer_profile=parts.issuer,
        achievement=parts.achievement,
        email="",
        subject_did=None,
        valid_from=valid_from,
        valid_until=valid_until,
        awarded_date=to_second(request.awarded_date) if request.awarded_date else valid_from,
        status_entry={},
        result=result_of(request.result, achievement, achievement_url(achievement.id, base_url)),
        evidence=[evidence_json(item.model_dump(exclude_none=True)) for item in request.evidence],
        endorsements=parts.endorsements,
        narrative=request.narrative,
        activity_start=request.activity_start,
        activity_end=request.activity_end,
    )


def _signer(
    session: Session, ed25519_key: IssuerKey, request: IssueRequest, settings: Settings
) -> IssuerKeySigner:
    """The issuer's Ed25519 key, or its P-256 key for an ECDSA cryptosuite."""
    if request.cryptosuite is None or request.cryptosuite.startswith("eddsa-"):
        return signer_for_key(ed25519_key, settings)
    return signer_for_issuer(session, ed25519_key.issuer_id, settings, algorithm="P-256")


def _signed_text(
    facts: CredentialFacts, signer: IssuerKeySigner, fmt: str, cryptosuite: str | None = None
) -> str:
    """The credential exactly as it will be stored and served: JSON text or a compact JWS."""
    credential = build_credential(facts)
    try:
        if fmt == "jwt":
            return sign_credential(credential, signer, format="jwt")
        signed = sign_credential(credential, signer, cryptosuite=cryptosuite)
    except CoreError as exc:
        raise InvalidInput(f"the credential could not be signed: {exc.detail}") from exc
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def public_credential(session: Session, credential_id: uuid.UUID) -> Credential | None:
    """The credential when it was made public, else None."""
    return repository.find_public_credential(session, credential_id)
