"""Stacking rules in the console: a list with readable summaries ("any 2 of these 3, at least
6 ECTS, within 24 months"), and a form for the common shape: which components, how many of
them, how many ECTS, within how many months. Other shapes stay editable through the API."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from credex.core.stacking.summary import describe
from credex.db.models import Achievement, StackingRule
from credex.deps import SessionDep, SettingsDep
from credex.errors import InvalidInput, field_error
from credex.stacking import service
from credex.stacking.schemas import StackingRuleCreate, StackingRuleUpdate
from credex.web.console.access import CheckedConsoleForm, Console, ConsoleDep
from credex.web.forms import FormErrors, SubmittedForm, SubmittedFormDep, attempt
from credex.web.templating import PageRoute, localized, render

router = APIRouter(prefix="/console/rules", route_class=PageRoute, include_in_schema=False)
FIELDS = ("name", "target", "n", "ects", "months")


def _achievements(session: SessionDep, console: Console) -> list[Achievement]:
    return list(
        session.scalars(
            select(Achievement)
            .where(Achievement.issuer_id == console.issuer_id)
            .order_by(Achievement.created_at)
        )
    )


def _names(achievements: list[Achievement], base_url: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for a in achievements:
        title = localized(a.name, a.language)
        names[str(a.id)] = title
        names[f"{base_url}/achievements/{a.id}"] = title
    return names


@router.get("")
def rules(
    request: Request, session: SessionDep, settings: SettingsDep, console: ConsoleDep
) -> Response:
    names = _names(_achievements(session, console), settings.base_url)
    found = session.scalars(
        select(StackingRule)
        .where(StackingRule.issuer_id == console.issuer_id)
        .order_by(StackingRule.name)
    ).all()
    summaries = [
        (rule, names.get(str(rule.target_achievement_id), ""), describe(rule.requirement, names))
        for rule in found
    ]
    return render(
        request, "console/rules.html", title="Stacking rules", console=console, rules=summaries
    )


def requirement_from_form(components: list[str], n: str, ects: str, months: str) -> dict[str, Any]:
    """The requirement the form describes (checked by the stacking service like any other)."""
    if not components:
        raise InvalidInput(
            "choose the components",
            errors=[field_error("/components", "Choose at least one micro-credential.")],
        )
    parts = [{"type": "achievement", "achievement": c} for c in components]
    count = int(n) if n.isdigit() else len(parts)
    rule: dict[str, Any] = (
        {"type": "n_of", "n": count, "of": parts}
        if count < len(parts)
        else {"type": "all_of", "of": parts}
    )
    if ects:
        minimum = {"type": "min_credits", "credits": ects, "filter": {"achievements": components}}
        rule = {"type": "all_of", "of": [rule, minimum]}
    if months:
        if not months.isdigit():
            raise InvalidInput("bad period", errors=[field_error("/months", "Give whole months.")])
        rule = {"type": "within", "months": int(months), "of": rule}
    return rule


def form_from_requirement(requirement: dict[str, Any]) -> dict[str, Any] | None:
    """The form's values for a rule of the form's shape; None for any other shape."""
    values: dict[str, Any] = {"months": "", "ects": "", "n": ""}
    node = requirement
    if node.get("type") == "within":
        values["months"] = str(node.get("months", ""))
        node = node.get("of") or {}
    if node.get("type") == "all_of" and len(node.get("of", [])) == 2:
        first, second = node["of"]
        if second.get("type") == "min_credits" and first.get("type") in ("all_of", "n_of"):
            values["ects"] = str(second.get("credits", ""))
            node = first
    if node.get("type") not in ("all_of", "n_of"):
        return None
    parts = node.get("of", [])
    if any(part.get("type") != "achievement" for part in parts):
        return None
    values["components"] = [str(part["achievement"]) for part in parts]
    if node["type"] == "n_of":
        values["n"] = str(node.get("n", ""))
    return values


def _form_page(
    request: Request,
    session: SessionDep,
    console: Console,
    values: dict[str, Any],
    errors: FormErrors,
    *,
    rule: StackingRule | None = None,
) -> Response:
    achievements = _achievements(session, console)
    return render(
        request,
        "console/rule_form.html",
        status_code=errors.status if errors else 200,
        title="Stacking rule",
        console=console,
        values=values,
        errors=errors,
        rule=rule,
        options=[
            (str(a.id), f"{localized(a.name, a.language)} ({a.version}, {a.status})")
            for a in achievements
        ],
    )


def _values(form: SubmittedForm) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.get(name) for name in FIELDS}
    values["components"] = [
        name.removeprefix("component_") for name in form.fields if name.startswith("component_")
    ]
    return values


@router.get("/new")
def new_rule(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    console.require(console.can_manage, "change stacking rules")
    return _form_page(request, session, console, {"components": []}, FormErrors())


@router.post("/new")
def create_rule(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: CheckedConsoleForm,
    form: SubmittedFormDep,
) -> Response:
    console.require(console.can_manage, "change stacking rules")
    values = _values(form)

    def run() -> StackingRule:
        requirement = requirement_from_form(
            values["components"], values["n"], values["ects"], values["months"]
        )
        data = StackingRuleCreate(
            target_achievement_id=values["target"] or None,
            name=values["name"] or None,
            requirement=requirement,
        )
        return service.create_rule(session, console.principal, data, settings)

    created, errors = attempt(session, run, {"target_achievement_id": "target"})
    if created is None:
        return _form_page(request, session, console, values, errors)
    return RedirectResponse("/console/rules", status_code=303)


@router.get("/{rule_id}")
def edit_rule(
    rule_id: uuid.UUID, request: Request, session: SessionDep, console: ConsoleDep
) -> Response:
    rule = service.get_rule(session, console.principal, rule_id)
    values = form_from_requirement(rule.requirement) or {"components": []}
    values |= {"name": rule.name or "", "target": str(rule.target_achievement_id)}
    return _form_page(request, session, console, values, FormErrors(), rule=rule)


@router.post("/{rule_id}")
def update_rule(
    *,
    rule_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: CheckedConsoleForm,
    form: SubmittedFormDep,
) -> Response:
    console.require(console.can_manage, "change stacking rules")
    rule = service.get_rule(session, console.principal, rule_id)
    values = _values(form) | {"target": str(rule.target_achievement_id)}

    def run() -> StackingRule:
        requirement = requirement_from_form(
            values["components"], values["n"], values["ects"], values["months"]
        )
        data = StackingRuleUpdate(name=values["name"] or None, requirement=requirement)
        return service.update_rule(session, console.principal, rule_id, data, settings)

    saved, errors = attempt(session, run)
    if saved is None:
        return _form_page(request, session, console, values, errors, rule=rule)
    return RedirectResponse("/console/rules", status_code=303)
