"""Issuing a whole chunk of batch rows at once: per-job constants once, per-chunk queries.

Single issuance (`issue_credential`) runs about six queries per credential; most of them are
the same for every row of a batch (achievement, issuer, signing key) or can be answered for a
chunk at once (learners by e-mail, free status indexes, the INSERTs). This module composes the
single-issuance building blocks for a chunk: `service._facts` (every rule about what a
credential says: dates, validity, grade, evidence, the embedded achievement and issuer
profile), `build_credential`, `signing_pool.sign_all` (signing spread over the CPUs, exactly as
stored), the status list allocation repository, `audit.record`, and the stacking evaluation
that single issuance runs too (`followups.after_issuance`: a chunk may complete pathways).

It handles the common case only. Anything unusual (a learner record that would change or whose
DID differs, an unknown learner id, a list too full to draw from, an index taken concurrently)
raises `UseSingleIssuance`; the job runner then rolls the chunk back and issues its rows one
by one through `issue_credential`, which owns those rules and their error messages.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.core import CoreError
from credex.core.status_list import build_status_entry
from credex.db.models import Achievement, Credential, Issuer, Learner, StatusList
from credex.errors import InvalidInput
from credex.issuance import idempotency
from credex.issuance.document import build_credential, embedded_achievement
from credex.issuance.followups import after_issuance
from credex.issuance.language import credential_language
from credex.issuance.schemas import IssueRequest, LearnerRef
from credex.issuance.service import (
    SharedDocuments,
    _facts,
    _issuance_context,
    shared_documents,
)
from credex.issuance.signing_pool import MIN_PARALLEL, default_processes, sign_all
from credex.keys.signer import IssuerKeySigner, signer_for_key
from credex.learners.repository import learners_of_issuer
from credex.notifications import queue as notification_queue
from credex.settings import Settings
from credex.status_lists import allocation
from credex.status_lists import repository as status_lists
from credex.status_lists.service import status_list_url

_LEARNER_FACTS = ("name", "did", "external_id", "preferred_language")


class UseSingleIssuance(Exception):
    """This chunk needs the row-by-row path (see the module docstring)."""


@dataclass(frozen=True)
class _Plan:
    """What every row awarding one achievement shares (loaded once per job run)."""

    achievement: Achievement
    issuer: Issuer
    signer: IssuerKeySigner
    documents: SharedDocuments  # embedded as they are in every credential of the chunk


@dataclass
class ChunkIssuer:
    """Per-job state for `issue_chunk`. Plans are reloaded for every chunk (one query per
    achievement), so a key rotated or compromised mid-job is honoured from the next chunk."""

    job_id: uuid.UUID
    issuer_id: uuid.UUID
    settings: Settings
    actor: str
    plans: dict[uuid.UUID, _Plan] = field(default_factory=dict)

    def plan(self, session: Session, request: IssueRequest) -> _Plan:
        plan = self.plans.get(request.achievement_id)
        if plan is None:
            achievement, issuer, key = _issuance_context(session, self.issuer_id, request)
            plan = _Plan(
                achievement,
                issuer,
                signer_for_key(key, self.settings),
                shared_documents(session, achievement, issuer, self.settings.base_url),
            )
            self.plans[request.achievement_id] = plan
        return plan

    def issue_chunk(
        self, session: Session, rows: Sequence[tuple[int, IssueRequest]]
    ) -> list[uuid.UUID]:
        """Issue every (row number, request) or raise (`UseSingleIssuance`, `CredexError`):
        all or nothing."""
        self.plans.clear()
        requests = [request for _, request in rows]
        learners, new_learners = _learners_for(session, self.issuer_id, requests)
        slots = _free_slots(session, self.issuer_id, len(requests))
        token_slots = _free_slots(
            session, self.issuer_id, len(requests), status_lists.IETF_STATUS_LIST
        )
        base_url = self.settings.base_url
        values: list[dict[str, Any]] = []
        documents: list[dict[str, Any]] = []
        plans: list[_Plan] = []
        for (number, request), learner, (status_list, index), (token_list, token_index) in zip(
            rows, learners, slots, token_slots, strict=True
        ):
            plan = self.plan(session, request)
            facts = _facts(
                session, request, plan.achievement, plan.issuer, base_url, shared=plan.documents
            )
            facts.subject_did = learner.did
            facts.email = learner.email
            language = credential_language(
                plan.achievement, request.language, learner.preferred_language
            )
            if language != plan.achievement.language:  # the learner's language (cached)
                facts.achievement = embedded_achievement(
                    session, plan.achievement, plan.issuer, base_url, language
                )
            facts.status_entry = build_status_entry(
                list_credential_url=status_list_url(status_list.id, base_url), index=index
            )
            documents.append(build_credential(facts))
            plans.append(plan)
            values.append(
                {
                    "id": facts.credential_id,
                    "issuer_id": self.issuer_id,
                    "achievement_id": plan.achievement.id,
                    "learner_id": learner.id,
                    "format": request.format,
                    "status": "active",
                    "public": bool(request.public),
                    "status_list_id": status_list.id,
                    "status_index": index,
                    "token_list_id": token_list.id,
                    "token_index": token_index,
                    "valid_from": facts.valid_from,
                    "awarded_at": facts.awarded_date,
                    "valid_until": facts.valid_until,
                    "idempotency_key": row_idempotency_key(self.job_id, number),
                    "request_hash": idempotency.request_hash(request),
                }
            )
        for row, text in zip(values, self._sign(documents, plans, values), strict=True):
            row["content"] = text
        # A concurrent single issuance may have taken one of the indexes, or a row may have been
        # issued already (its idempotency key exists): a unique constraint raises, and the
        # runner redoes the chunk row by row.
        session.execute(insert(Credential), values)
        for row in values:
            audit.record(
                session,
                action=audit.ISSUED,
                actor=self.actor,
                issuer_id=self.issuer_id,
                credential_id=row["id"],
                details={
                    "achievement_id": str(row["achievement_id"]),
                    "learner_id": str(row["learner_id"]),
                    "format": row["format"],
                },
            )
        notification_queue.enqueue(
            session,
            [
                row["id"]
                for row, plan, (_, request) in zip(values, plans, rows, strict=True)
                if notification_queue.wanted(plan.achievement, request.notify)
            ],
        )
        _maybe_roll_over(session, {list_ for list_, _ in slots + token_slots}, len(values))
        issued = [
            (Credential(**row), plan.achievement) for row, plan in zip(values, plans, strict=True)
        ]
        after_issuance(
            session, self.issuer_id, issued, new_learners, self.settings, actor=self.actor
        )
        return [row["id"] for row in values]

    def _sign(
        self, documents: list[dict[str, Any]], plans: list[_Plan], values: list[dict[str, Any]]
    ) -> list[str]:
        """Every document signed with its plan's key (one key per issuer: one group, usually),
        on all cores when the chunk is large (`signing_pool`)."""
        processes = self.settings.signing_processes
        processes = default_processes() if processes is None else processes
        texts: list[str] = [""] * len(documents)
        groups: dict[uuid.UUID, list[int]] = {}
        for position, plan in enumerate(plans):
            groups.setdefault(plan.signer.key_id, []).append(position)
        for positions in groups.values():
            signer = plans[positions[0]].signer
            seed = signer.private_seed() if len(positions) >= MIN_PARALLEL else None
            try:
                signed = sign_all(
                    [documents[p] for p in positions],
                    [values[p]["format"] for p in positions],
                    signer,
                    seed,
                    processes=processes,
                    base_url=self.settings.base_url,
                )
            except CoreError as exc:
                raise InvalidInput(f"the credential could not be signed: {exc.detail}") from exc
            for position, text in zip(positions, signed, strict=True):
                texts[position] = text
        return texts


def row_idempotency_key(job_id: uuid.UUID, number: int) -> str:
    """Each batch row's own Idempotency-Key: the database itself refuses to issue a row twice."""
    return f"credex-batch:{job_id}:{number}"


def _learners_for(
    session: Session, issuer_id: uuid.UUID, requests: Sequence[IssueRequest]
) -> tuple[list[Learner], set[uuid.UUID]]:
    """Each row's learner: by id, or by e-mail (new ones inserted in one statement); and the
    ids of the records this transaction created."""
    ids = {request.learner_id for request in requests if request.learner_id is not None}
    wanted: dict[str, LearnerRef] = {}
    for request in requests:
        if request.learner is not None:
            _check_same_facts(wanted.setdefault(request.learner.email, request.learner), request)
    by_id = _learners_where(session, issuer_id, Learner.id.in_(ids)) if ids else {}
    if len(by_id) != len(ids):
        raise UseSingleIssuance("an unknown learner id")
    by_email, created = _learners_by_email(session, issuer_id, wanted)
    found: list[Learner] = []
    for request in requests:
        if request.learner_id is not None:
            found.append(by_id[request.learner_id])
            continue
        assert request.learner is not None
        learner = by_email[request.learner.email]
        if any(
            getattr(request.learner, fact)
            and getattr(learner, fact) != getattr(request.learner, fact)
            for fact in _LEARNER_FACTS
        ):
            raise UseSingleIssuance("the learner record would change or conflicts")
        found.append(learner)
    return found, created


def _check_same_facts(first: LearnerRef, request: IssueRequest) -> None:
    """Rows naming one e-mail twice must agree with the first (else the record would change)."""
    ref = request.learner
    assert ref is not None
    if any(
        getattr(ref, fact) and getattr(ref, fact) != getattr(first, fact) for fact in _LEARNER_FACTS
    ):
        raise UseSingleIssuance("rows disagree about a learner")


def _learners_where(session: Session, issuer_id: uuid.UUID, condition: Any) -> dict[Any, Learner]:
    return {row.id: row for row in session.scalars(learners_of_issuer(issuer_id).where(condition))}


def _learners_by_email(
    session: Session, issuer_id: uuid.UUID, wanted: dict[str, LearnerRef]
) -> tuple[dict[str, Learner], set[uuid.UUID]]:
    if not wanted:
        return {}, set()
    condition = Learner.email.in_(list(wanted))
    existing = {row.email: row for row in _learners_where(session, issuer_id, condition).values()}
    ids = {email: uuid.uuid4() for email in wanted if email not in existing}
    new = [
        {"id": ids[email], "issuer_id": issuer_id, "email": email}
        | {fact: getattr(ref, fact) for fact in _LEARNER_FACTS}
        for email, ref in wanted.items()
        if email in ids
    ]
    if not new:
        return existing, set()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # executemany (a cached statement); a learner created concurrently is found by the re-read
    # (with the other transaction's id, so it does not count as created here).
    session.execute(dialect.insert(Learner).on_conflict_do_nothing(), new)
    found = {row.email: row for row in _learners_where(session, issuer_id, condition).values()}
    return found, set(ids.values()) & {row.id for row in found.values()}


def _free_slots(
    session: Session, issuer_id: uuid.UUID, count: int, purpose: str = status_lists.REVOCATION
) -> list[tuple[StatusList, int]]:
    """`count` distinct random free indexes of the issuer's open list for `purpose`."""
    status_list = allocation.current_list(session, issuer_id, purpose=purpose)
    indexes = allocation.free_indexes(session, status_list, count)
    if indexes is None:
        raise UseSingleIssuance("the status list is nearly full")
    return [(status_list, index) for index in indexes]


# A list rolls over at 90 % full, leaving 13,000 free indexes: counting about once per 1,024
# bulk issuances is early enough (the single path samples once in 64), and a COUNT over a list
# of 100,000 credentials on every chunk was a tenth of a bulk job's time.
BULK_FILL_CHECK_EVERY = 1024


def _maybe_roll_over(session: Session, lists: set[StatusList], issued: int) -> None:
    """Count the list's fill now and then (see `BULK_FILL_CHECK_EVERY`); roll over when full."""
    for status_list in lists:
        if random.random() < issued / BULK_FILL_CHECK_EVERY:  # noqa: S311 - sampling
            used = status_lists.count_used(session, status_list.id, status_list.purpose)
            if used >= allocation.ROLLOVER_FILL * status_list.capacity:
                allocation.roll_over(session, status_list)
