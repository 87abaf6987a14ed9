"""Turning pathway views and awards into the API's response shapes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from credex.core.stacking import Progress
from credex.db.models import Award
from credex.stacking import repository
from credex.stacking.facts import Component
from credex.stacking.pathways import PathwayView
from credex.stacking.schemas import (
    AwardComponentRead,
    AwardRead,
    ComponentRead,
    NotCountedRead,
    PathwayRead,
    ProgressRead,
)


def progress_read(progress: Progress) -> ProgressRead:
    return ProgressRead(
        kind=progress.kind,
        satisfied=progress.satisfied,
        summary=progress.summary,
        counted=progress.counted,
        missing=progress.missing,
        children=[progress_read(child) for child in progress.children],
    )


def component_read(component: Component) -> ComponentRead:
    fact = component.fact
    return ComponentRead(
        id=fact.credential_id,
        source="issued" if component.credential is not None else "external",
        credential_id=component.credential.id if component.credential else None,
        external_credential_id=component.external.id if component.external else None,
        achievement_id=fact.achievement_id,
        achievement_name=component.achievement_name,
        issuer=fact.issuer_id,
        awarded_at=fact.awarded_at,
        ects_credits=fact.ects,
        eqf_level=fact.eqf_level,
    )


def award_reads(session: Session, awards: Sequence[Award]) -> dict[uuid.UUID, AwardRead]:
    """Awards by id, each with its components and their current status (one query)."""
    parts: dict[uuid.UUID, list[AwardComponentRead]] = {award.id: [] for award in awards}
    for component, status in repository.award_components(session, list(parts)):
        parts[component.award_id].append(
            AwardComponentRead(
                id=component.component_url,
                digest_multibase=component.digest,
                credential_id=component.credential_id,
                external_credential_id=component.external_credential_id,
                status=status or "unknown",
            )
        )
    return {
        award.id: AwardRead(
            id=award.id,
            rule_id=award.rule_id,
            learner_id=award.learner_id,
            credential_id=award.credential_id,
            awarded_at=award.created_at,
            components=parts[award.id],
        )
        for award in awards
    }


def pathway_reads(session: Session, views: Sequence[PathwayView]) -> list[PathwayRead]:
    awards = award_reads(session, [view.award for view in views if view.award is not None])
    return [
        PathwayRead(
            rule_id=view.rule.id,
            rule_name=view.rule.name,
            target_achievement_id=view.rule.target_achievement_id,
            target_name=view.target_name,
            active=view.rule.active,
            satisfied=view.progress.satisfied,
            summary=view.progress.summary,
            counted=[component_read(component) for component in view.counted],
            missing=view.progress.missing,
            not_counted=[NotCountedRead(id=i, reason=why) for i, why in view.not_counted],
            progress=progress_read(view.progress),
            award=awards.get(view.award.id) if view.award else None,
        )
        for view in views
    ]
