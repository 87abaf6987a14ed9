"""Stacking API: `/api/v1/stacking-rules`, a learner's pathways and external credentials, and
the stacked credentials a component is part of.

Issuer tokens act for their own issuer (admins name one with `issuer_id` when creating a rule);
another issuer's rules, learners and credentials answer 404, learner tokens 403.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from credex.deps import IssuerPrincipal, SessionDep, SettingsDep
from credex.issuance.document import credential_url
from credex.pagination import CursorParam, LimitParam, Page
from credex.stacking import access, service
from credex.stacking.responses import award_reads, pathway_reads
from credex.stacking.schemas import (
    EvaluationRead,
    ExternalCredentialIn,
    ExternalCredentialRead,
    PathwayPage,
    ShareRead,
    StackedRead,
    StackingRuleCreate,
    StackingRuleRead,
    StackingRuleUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["stacking"])
RuleId = uuid.UUID


@router.post("/stacking-rules", status_code=201, summary="Create a stacking rule")
def create(
    data: StackingRuleCreate, session: SessionDep, principal: IssuerPrincipal, settings: SettingsDep
) -> StackingRuleRead:
    return StackingRuleRead.model_validate(service.create_rule(session, principal, data, settings))


@router.get("/stacking-rules", summary="List stacking rules (newest first)")
def list_all(
    *,
    session: SessionDep,
    principal: IssuerPrincipal,
    issuer_id: Annotated[uuid.UUID | None, Query(description="admins: one issuer's")] = None,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[StackingRuleRead]:
    rows, next_cursor = service.list_rules(
        session, principal, issuer_id=issuer_id, limit=limit, cursor=cursor
    )
    return Page(items=[StackingRuleRead.model_validate(row) for row in rows], next=next_cursor)


@router.get("/stacking-rules/{rule_id}", summary="One stacking rule")
def read(rule_id: RuleId, session: SessionDep, principal: IssuerPrincipal) -> StackingRuleRead:
    return StackingRuleRead.model_validate(service.get_rule(session, principal, rule_id))


@router.patch("/stacking-rules/{rule_id}", summary="Change a rule (validated again)")
def update(
    rule_id: RuleId,
    data: StackingRuleUpdate,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> StackingRuleRead:
    rule = service.update_rule(session, principal, rule_id, data, settings)
    return StackingRuleRead.model_validate(rule)


@router.delete(
    "/stacking-rules/{rule_id}",
    status_code=204,
    summary="Delete a rule that has awarded nothing (409 otherwise: deactivate it)",
)
def delete(rule_id: RuleId, session: SessionDep, principal: IssuerPrincipal) -> Response:
    service.delete_rule(session, principal, rule_id)
    return Response(status_code=204)


@router.get("/learners/{learner_id}/pathways", summary="Progress on each stacking rule")
def pathways(
    *,
    learner_id: uuid.UUID,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> PathwayPage:
    views, next_cursor = access.pathways_page(
        session, principal, learner_id, settings, limit=limit, cursor=cursor
    )
    return PathwayPage(learner_id=learner_id, items=pathway_reads(session, views), next=next_cursor)


@router.post(
    "/learners/{learner_id}/pathways/evaluate",
    summary="Award every stacked credential now due (each at most once)",
)
def evaluate(
    learner_id: uuid.UUID, session: SessionDep, principal: IssuerPrincipal, settings: SettingsDep
) -> EvaluationRead:
    awarded, views = access.evaluate_for(session, principal, learner_id, settings)
    reads = award_reads(session, awarded)
    return EvaluationRead(
        awarded=[reads[award.id] for award in awarded], pathways=pathway_reads(session, views)
    )


@router.post(
    "/learners/{learner_id}/pathways/share",
    status_code=201,
    summary="A read-only link to the learner's progress page (replaces the previous link)",
)
def share(
    learner_id: uuid.UUID, session: SessionDep, principal: IssuerPrincipal, settings: SettingsDep
) -> ShareRead:
    return ShareRead(url=access.share_link(session, principal, learner_id, settings))


@router.post(
    "/learners/{learner_id}/external-credentials",
    status_code=201,
    summary="Add a credential from another issuer (verified first; 200 if already added)",
    responses={200: {"model": ExternalCredentialRead, "description": "already added"}},
)
def add_external(
    *,
    learner_id: uuid.UUID,
    data: ExternalCredentialIn,
    response: Response,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
) -> ExternalCredentialRead:
    raw = data.credential if data.credential is not None else data.jwt or ""
    stored, created = access.add_external_for(session, principal, learner_id, raw, settings)
    if not created:
        response.status_code = 200
    return ExternalCredentialRead.model_validate(stored)


@router.get(
    "/credentials/{credential_id}/stacked",
    summary="Stacked credentials that list this credential as a component",
)
def stacked(
    *,
    credential_id: uuid.UUID,
    session: SessionDep,
    principal: IssuerPrincipal,
    settings: SettingsDep,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[StackedRead]:
    pairs, next_cursor = access.stacked_for(
        session, principal, credential_id, limit=limit, cursor=cursor
    )
    items = [
        StackedRead(
            award_id=award.id,
            rule_id=award.rule_id,
            learner_id=award.learner_id,
            credential_id=credential.id,
            credential_status=credential.status,
            url=credential_url(credential.id, settings.base_url),
            awarded_at=award.created_at,
        )
        for award, credential in pairs
    ]
    return Page(items=items, next=next_cursor)
