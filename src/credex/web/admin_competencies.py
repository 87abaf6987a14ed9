"""Admin pages for the competencies of a draft framework: add, edit (with a parent select), delete.

Deleting asks for confirmation on its own page (no JavaScript), and a competency with
sub-competencies is only deleted together with them when the admin ticks the box.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from credex.db.models import Competency, Framework
from credex.deps import SessionDep
from credex.frameworks import competencies, service
from credex.frameworks.competencies import FrameworkTree, framework_tree
from credex.frameworks.schemas import CompetencyCreate, CompetencyUpdate
from credex.frameworks.tree import descendants
from credex.web.admin_frameworks import merged_text
from credex.web.forms import FormErrors, SubmittedForm, SubmittedFormDep, attempt
from credex.web.session import CheckedAdminForm, PageAdminDep
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/admin/frameworks", route_class=PageRoute, include_in_schema=False)
SKILL_TYPES = ("skill/competence", "knowledge", "transversal")
_OPTIONAL = ("esco_uri", "skill_uri", "skill_type")


def competency_values(competency: Competency | None, language: str) -> dict[str, str]:
    if competency is None:
        return {}
    return {
        "code": competency.code,
        "title": competency.title.get(language, ""),
        "description": competency.description.get(language, ""),
        "parent": str(competency.parent_id or ""),
        "esco_uri": competency.esco_uri or "",
        "skill_uri": competency.skill_uri or "",
        "eqf_level": str(competency.eqf_level or ""),
        "skill_type": competency.skill_type or "",
        "position": str(competency.position),
    }


def _common_fields(form: SubmittedForm) -> dict[str, Any]:
    fields: dict[str, Any] = {name: form.get(name) or None for name in _OPTIONAL}
    fields["code"] = form.get("code")
    fields["parent"] = form.get("parent") or None
    fields["eqf_level"] = form.get("eqf_level") or None
    if form.get("position"):
        fields["position"] = form.get("position")
    return fields


def competency_create(form: SubmittedForm, framework: Framework) -> CompetencyCreate:
    language = framework.default_language
    return CompetencyCreate.model_validate(
        {
            **_common_fields(form),
            "title": {language: form.get("title")},
            "description": merged_text({}, language, form.get("description")),
        }
    )


def competency_update(
    form: SubmittedForm, framework: Framework, competency: Competency
) -> CompetencyUpdate:
    language = framework.default_language
    return CompetencyUpdate.model_validate(
        {
            **_common_fields(form),
            "title": merged_text(competency.title, language, form.get("title")),
            "description": merged_text(competency.description, language, form.get("description")),
        }
    )


def parent_choices(tree: FrameworkTree, editing: Competency | None) -> list[tuple[str, str]]:
    """(id, indented label) for every competency that may become the parent."""
    excluded: set[uuid.UUID] = set()
    if editing is not None:
        parent_of = {e.competency.id: e.competency.parent_id for e in tree.entries}
        excluded = {editing.id, *descendants(parent_of, editing.id)}
    language = tree.framework.default_language
    return [
        (
            str(e.competency.id),
            "\u2003" * e.depth + f"{e.competency.code} — {e.competency.title.get(language, '')}",
        )
        for e in tree.entries
        if e.competency.id not in excluded
    ]


def _form(
    request: Request,
    session: SessionDep,
    framework_id: uuid.UUID,
    competency: Competency | None,
    *,
    values: dict[str, str],
    errors: FormErrors,
) -> Response:
    tree = framework_tree(session, framework_id, public=False)
    return render(
        request,
        "admin/competency_form.html",
        status_code=errors.status if errors else 200,
        title="Edit competency" if competency else "Add a competency",
        framework=tree.framework,
        competency=competency,
        parents=parent_choices(tree, competency),
        skill_types=SKILL_TYPES,
        values=values,
        errors=errors,
    )


def _back(framework_id: uuid.UUID, done: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/frameworks/{framework_id}?done={done}", status_code=303)


@router.get("/{framework_id}/competencies/new")
def new_competency_form(
    request: Request,
    session: SessionDep,
    _admin: PageAdminDep,
    framework_id: uuid.UUID,
    parent: str = "",
) -> Response:
    framework = service.editable_framework(session, framework_id)
    del framework
    return _form(
        request, session, framework_id, None, values={"parent": parent}, errors=FormErrors()
    )


@router.post("/{framework_id}/competencies/new")
def add_competency(
    request: Request,
    session: SessionDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
    framework_id: uuid.UUID,
) -> Response:
    framework = service.editable_framework(session, framework_id)
    added, errors = attempt(
        session,
        lambda: competencies.add_competency(
            session, framework_id, competency_create(form, framework), actor=admin.actor
        ),
    )
    if added is None:
        return _form(request, session, framework_id, None, values=form.fields, errors=errors)
    return _back(framework_id, "competency-added")


@router.get("/{framework_id}/competencies/{competency_id}/edit")
def edit_competency_form(
    request: Request,
    session: SessionDep,
    _admin: PageAdminDep,
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
) -> Response:
    framework = service.editable_framework(session, framework_id)
    competency = competencies.get_competency(session, framework_id, competency_id)
    values = competency_values(competency, framework.default_language)
    return _form(request, session, framework_id, competency, values=values, errors=FormErrors())


@router.post("/{framework_id}/competencies/{competency_id}/edit")
def edit_competency(
    *,
    request: Request,
    session: SessionDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
) -> Response:
    framework = service.editable_framework(session, framework_id)
    competency = competencies.get_competency(session, framework_id, competency_id)
    saved, errors = attempt(
        session,
        lambda: competencies.update_competency(
            session,
            framework_id,
            competency_id,
            competency_update(form, framework, competency),
            actor=admin.actor,
        ),
    )
    if saved is None:
        session.refresh(competency)
        return _form(request, session, framework_id, competency, values=form.fields, errors=errors)
    return _back(framework_id, "competency-saved")


@router.get("/{framework_id}/competencies/{competency_id}/delete")
def confirm_delete(
    request: Request,
    session: SessionDep,
    _admin: PageAdminDep,
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
) -> Response:
    return _confirm_page(request, session, framework_id, competency_id, FormErrors())


def _confirm_page(
    request: Request,
    session: SessionDep,
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
    errors: FormErrors,
) -> Response:
    framework = service.editable_framework(session, framework_id)
    competency = competencies.get_competency(session, framework_id, competency_id)
    tree = framework_tree(session, framework_id, public=False)
    parent_of = {e.competency.id: e.competency.parent_id for e in tree.entries}
    return render(
        request,
        "admin/competency_delete.html",
        status_code=errors.status if errors else 200,
        title=f"Delete {competency.code}",
        framework=framework,
        competency=competency,
        below=len(descendants(parent_of, competency.id)),
        errors=errors,
    )


@router.post("/{framework_id}/competencies/{competency_id}/delete")
def delete_competency(
    *,
    request: Request,
    session: SessionDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
) -> Response:
    cascade = form.get("cascade") == "true"
    deleted, errors = attempt(
        session,
        lambda: competencies.delete_competency(
            session, framework_id, competency_id, cascade=cascade, actor=admin.actor
        ),
    )
    if deleted is None:
        return _confirm_page(request, session, framework_id, competency_id, errors)
    return _back(framework_id, "competency-deleted")
