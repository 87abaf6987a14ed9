"""Micro-credentials in the console: list, create and edit drafts, what is still missing for
EU compliance, a preview of what a learner would receive, publish (confirmed), new version.
Also the offline ESCO skill search the learning-outcome fields link to."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from credex.achievements import service
from credex.achievements.public import achievement_spec
from credex.achievements.schemas import AchievementCreate, AchievementUpdate, NewVersionIn
from credex.core.credentials.microcredential import build_achievement
from credex.db.models import Achievement
from credex.deps import SessionDep, SettingsDep
from credex.errors import Conflict, InvalidInput
from credex.esco import search_skills
from credex.frameworks import repository as frameworks
from credex.web.console.access import CheckedConsoleForm, Console, ConsoleDep
from credex.web.console.achievement_form import (
    LABELS,
    OUTCOME_SLOTS,
    RENAME,
    body_from_form,
    form_fields,
    form_values,
)
from credex.web.forms import FormErrors, SubmittedFormDep, attempt
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


def _resolver(session: SessionDep) -> Callable[[set[str]], dict[str, str]]:
    def resolve(codes: set[str]) -> dict[str, str]:
        found = frameworks.published_competencies_by_code(session, codes)
        return {code: str(row.id) for code, row in found.items()}

    return resolve


def _codes_of(session: SessionDep, achievement: Achievement) -> dict[str, str]:
    ids = {c for o in achievement.learning_outcomes for c in o.get("competency_ids", [])}
    return frameworks.competency_codes(session, ids)


@router.get("/achievements")
def list_achievements(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    rows = session.scalars(
        select(Achievement)
        .where(Achievement.issuer_id == console.issuer_id)
        .order_by(Achievement.created_at.desc())
    ).all()
    return render(
        request, "console/achievements.html", title="Micro-credentials", console=console, rows=rows
    )


def _form_page(
    request: Request,
    console: Console,
    values: dict[str, str],
    errors: FormErrors,
    *,
    achievement: Achievement | None = None,
    missing: list[str] | None = None,
) -> Response:
    return render(
        request,
        "console/achievement_form.html",
        status_code=errors.status if errors else 200,
        title="Edit micro-credential" if achievement else "New micro-credential",
        console=console,
        values=values,
        errors=errors,
        labels=LABELS,
        slots=range(OUTCOME_SLOTS),
        achievement=achievement,
        missing=missing or [],
    )


def _labelled(errors: FormErrors) -> FormErrors:
    """Errors named by the form's labels, with the API's nested field names folded."""
    fields: dict[str, str] = {}
    for name, message in errors.fields.items():
        fields.setdefault(name, message)
    errors.fields = fields
    return errors


@router.get("/achievements/new")
def new_form(request: Request, console: ConsoleDep) -> Response:
    console.require(console.can_manage, "create micro-credentials")
    values = form_fields({"language": "en", "version": "1.0"})
    return _form_page(request, console, values, FormErrors())


@router.post("/achievements/new")
def create(
    request: Request, session: SessionDep, console: CheckedConsoleForm, form: SubmittedFormDep
) -> Response:
    console.require(console.can_manage, "create micro-credentials")
    values = form_fields(form.fields)
    body, problems = body_from_form(values, _resolver(session))
    if problems:
        return _form_page(request, console, values, FormErrors(fields=problems))

    def run() -> Achievement:
        data = AchievementCreate.model_validate(
            {k: v for k, v in body.items() if v not in (None, [], {})}
            | {"name": body["name"], "description": body["description"]}
        )
        return service.create_achievement(session, console.principal, data)

    created, errors = attempt(session, run, RENAME)
    if created is None:
        return _form_page(request, console, values, _labelled(errors))
    return RedirectResponse(f"/console/achievements/{created.id}", status_code=303)


def _missing(
    session: SessionDep, console: Console, achievement: Achievement, base: str
) -> list[str]:
    report = service.compliance_of(session, console.principal, achievement.id, base)
    labels = {element.id: element.label for element in report.elements}
    return [labels.get(item, item) for item in report.missing]


@router.get("/achievements/{achievement_id}")
def edit_form(
    achievement_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: ConsoleDep,
) -> Response:
    achievement = service.get_achievement(session, console.principal, achievement_id)
    return _form_page(
        request,
        console,
        form_values(achievement, _codes_of(session, achievement)),
        FormErrors(),
        achievement=achievement,
        missing=_missing(session, console, achievement, settings.base_url),
    )


@router.post("/achievements/{achievement_id}")
def update(
    *,
    achievement_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: CheckedConsoleForm,
    form: SubmittedFormDep,
) -> Response:
    console.require(console.can_manage, "edit micro-credentials")
    achievement = service.get_achievement(session, console.principal, achievement_id)
    values = form_fields(form.fields)
    body, problems = body_from_form(values, _resolver(session))

    def run() -> Achievement:
        if problems:
            raise InvalidInput("the form has errors")
        data = AchievementUpdate.model_validate(body)
        return service.update_achievement(session, console.principal, achievement_id, data)

    updated, errors = attempt(session, run, RENAME)
    if updated is None:
        errors.fields.update(problems)
        if problems:
            errors.general = []
        return _form_page(
            request,
            console,
            values,
            _labelled(errors),
            achievement=achievement,
            missing=_missing(session, console, achievement, settings.base_url),
        )
    return RedirectResponse(f"/console/achievements/{achievement_id}?saved=1", status_code=303)


@router.get("/achievements/{achievement_id}/preview")
def preview(
    achievement_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: ConsoleDep,
) -> Response:
    achievement = service.get_achievement(session, console.principal, achievement_id)
    try:
        document = build_achievement(achievement_spec(session, achievement, settings.base_url))
        text, problem = json.dumps(document, indent=2, ensure_ascii=False), None
    except Exception as exc:
        text, problem = "", str(exc)
    return render(
        request,
        "console/achievement_preview.html",
        title="Preview",
        console=console,
        achievement=achievement,
        document=text,
        problem=problem,
        missing=_missing(session, console, achievement, settings.base_url),
    )


@router.post("/achievements/{achievement_id}/publish")
def publish(
    *,
    achievement_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: CheckedConsoleForm,
    form: SubmittedFormDep,
) -> Response:
    """First press: a confirmation saying publishing is final; second press: publish."""
    console.require(console.can_manage, "publish micro-credentials")
    achievement = service.get_achievement(session, console.principal, achievement_id)
    missing = _missing(session, console, achievement, settings.base_url)
    if form.get("confirmed") != "yes" or missing:
        return render(
            request,
            "console/achievement_publish.html",
            status_code=422 if missing else 200,
            title="Publish",
            console=console,
            achievement=achievement,
            missing=missing,
        )
    try:
        with session.begin_nested():
            service.publish_achievement(
                session, console.principal, achievement_id, settings.base_url
            )
    except (InvalidInput, Conflict) as exc:
        return render(
            request,
            "console/achievement_publish.html",
            status_code=exc.status,
            title="Publish",
            console=console,
            achievement=achievement,
            missing=[exc.detail],
        )
    return RedirectResponse(f"/console/achievements/{achievement_id}", status_code=303)


@router.post("/achievements/{achievement_id}/versions")
def new_version(
    achievement_id: uuid.UUID, session: SessionDep, console: CheckedConsoleForm
) -> Response:
    console.require(console.can_manage, "create versions")
    draft = service.create_new_version(session, console.principal, achievement_id, NewVersionIn())
    return RedirectResponse(f"/console/achievements/{draft.id}", status_code=303)


@router.get("/esco")
def esco_search(
    request: Request, console: ConsoleDep, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    return render(
        request,
        "console/esco.html",
        title="ESCO skills",
        console=console,
        q=q,
        skills=search_skills(q, 30) if q.strip() else [],
    )
