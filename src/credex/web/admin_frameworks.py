"""Admin pages for frameworks: list, create, edit, publish, retire, version, delete, import CSV.

Every action calls the same service function as the JSON API; forms only translate fields.
Successful POSTs redirect (303) to a page that says what happened, so a reload never repeats them.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic_core import PydanticCustomError

from credex.db.models import Framework
from credex.deps import SessionDep
from credex.errors import InvalidInput, PayloadTooLarge
from credex.frameworks import exporting, importing, service
from credex.frameworks.competencies import framework_tree
from credex.frameworks.fields import canonical_language_tag
from credex.frameworks.schemas import FrameworkCreate, FrameworkUpdate, NewVersionCreate
from credex.frameworks.upload import METADATA_FIELDS
from credex.pagination import CursorParam
from credex.uploads import decode_csv
from credex.web.forms import FormErrors, SubmittedForm, SubmittedFormDep, attempt
from credex.web.session import CheckedAdminForm, PageAdminDep
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/admin/frameworks", route_class=PageRoute, include_in_schema=False)

DONE_MESSAGES = {
    "created": "The framework was created as a draft.",
    "imported": "The file was imported as a new draft framework.",
    "saved": "Your changes were saved.",
    "published": "Published: the framework is public and can no longer be changed.",
    "retired": "Retired: existing references stay valid; no new ones should be made.",
    "versioned": "A new draft version was created with a copy of every competency.",
    "deleted": "The framework was deleted.",
    "competency-added": "The competency was added.",
    "competency-saved": "The competency was saved.",
    "competency-deleted": "The competency was deleted.",
}


def form_language(raw: str) -> str:
    """The map key for text typed in the form; a bad tag is reported on its own field only."""
    try:
        return canonical_language_tag(raw)
    except PydanticCustomError:
        return "und"


def merged_text(existing: dict[str, str], language: str, typed: str) -> dict[str, str]:
    """Set (or clear) one language of a map; the other translations are kept as they were."""
    result = {k: v for k, v in existing.items() if k != language}
    if typed:
        result[language] = typed
    return result


def framework_values(framework: Framework | None) -> dict[str, str]:
    if framework is None:
        return {"default_language": "en", "version": "1.0"}
    language = framework.default_language
    return {
        "title": framework.title.get(language, ""),
        "description": framework.description.get(language, ""),
        "default_language": language,
        "version": framework.version,
        "publisher": framework.publisher or "",
        "source_url": framework.source_url or "",
        "license": framework.license or "",
    }


def framework_create(form: SubmittedForm) -> FrameworkCreate:
    language = form_language(form.get("default_language"))
    return FrameworkCreate.model_validate(
        {
            "title": {language: form.get("title")},
            "description": merged_text({}, language, form.get("description")),
            **{
                name: form.get(name)
                for name in METADATA_FIELDS
                if name not in ("title", "description")
            },
        }
    )


def framework_update(form: SubmittedForm, framework: Framework) -> FrameworkUpdate:
    language = form_language(form.get("default_language"))
    return FrameworkUpdate.model_validate(
        {
            "title": merged_text(framework.title, language, form.get("title")),
            "description": merged_text(framework.description, language, form.get("description")),
            **{
                name: form.get(name)
                for name in METADATA_FIELDS
                if name not in ("title", "description")
            },
        }
    )


def _framework_form(
    request: Request, framework: Framework | None, values: dict[str, str], errors: FormErrors
) -> Response:
    return render(
        request,
        "admin/framework_form.html",
        status_code=errors.status if errors else 200,
        title="Edit framework" if framework else "New framework",
        framework=framework,
        values=values,
        errors=errors,
    )


@router.get("")
def list_frameworks(
    request: Request,
    session: SessionDep,
    _admin: PageAdminDep,
    q: str = "",
    status: str = "",
    cursor: CursorParam = None,
) -> Response:
    rows, next_cursor = service.list_frameworks(
        session, q=q, status=status or None, limit=25, cursor=cursor
    )
    return render(
        request,
        "admin/frameworks_list.html",
        title="Frameworks",
        frameworks=rows,
        q=q,
        status=status,
        next_cursor=next_cursor,
        done=DONE_MESSAGES.get(request.query_params.get("done", "")),
    )


@router.get("/new")
def new_framework_form(request: Request, _admin: PageAdminDep) -> Response:
    return _framework_form(request, None, framework_values(None), FormErrors())


@router.post("/new")
def create_framework(
    request: Request, session: SessionDep, admin: CheckedAdminForm, form: SubmittedFormDep
) -> Response:
    created, errors = attempt(
        session,
        lambda: service.create_framework(session, framework_create(form), actor=admin.actor),
    )
    if created is None:
        return _framework_form(request, None, form.fields, errors)
    return RedirectResponse(f"/admin/frameworks/{created.id}?done=created", status_code=303)


@router.get("/import")
def import_form(request: Request, _admin: PageAdminDep) -> Response:
    return _import_page(request, framework_values(None), FormErrors(), [])


def _import_page(
    request: Request, values: dict[str, str], errors: FormErrors, rows: list[dict[str, Any]]
) -> Response:
    return render(
        request,
        "admin/framework_import.html",
        status_code=422 if errors or rows else 200,
        title="Import a framework",
        values=values,
        errors=errors,
        row_errors=rows,
    )


@router.post("/import")
def import_csv(
    request: Request, session: SessionDep, admin: CheckedAdminForm, form: SubmittedFormDep
) -> Response:
    upload = form.files.get("file")
    metadata = {name: form.get(name) for name in METADATA_FIELDS if form.get(name)}
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("no file", errors=[{"pointer": "/file", "detail": "choose a file"}])
        if upload.too_large:
            raise PayloadTooLarge("the file is larger than 5 MiB")
        with session.begin_nested():
            result = importing.import_csv(session, decode_csv(upload.data), metadata)
    except PayloadTooLarge as exc:
        return _import_page(request, form.fields, FormErrors(fields={"file": exc.detail}), [])
    except InvalidInput as exc:
        entries = exc.errors or []
        rows = [e for e in entries if e.get("row") is not None]
        errors = FormErrors()
        for entry in entries:
            if entry.get("row") is None:
                errors.add(entry["pointer"], entry["detail"], {})
        if not entries:
            errors.general.append(exc.detail)
        return _import_page(request, form.fields, errors, rows)
    return RedirectResponse(
        f"/admin/frameworks/{result.framework.id}?done=imported", status_code=303
    )


def _detail(
    request: Request, session: SessionDep, framework_id: uuid.UUID, errors: FormErrors
) -> Response:
    tree = framework_tree(session, framework_id, public=False)
    return render(
        request,
        "admin/framework_detail.html",
        status_code=errors.status if errors else 200,
        title=tree.framework.title.get(tree.framework.default_language, "Framework"),
        framework=tree.framework,
        children=tree.children(),
        count=len(tree.entries),
        errors=errors,
        done=DONE_MESSAGES.get(request.query_params.get("done", "")),
    )


@router.get("/{framework_id}")
def framework_detail(
    request: Request, session: SessionDep, _admin: PageAdminDep, framework_id: uuid.UUID
) -> Response:
    return _detail(request, session, framework_id, FormErrors())


@router.get("/{framework_id}/export")
def export(
    session: SessionDep,
    _admin: PageAdminDep,
    framework_id: uuid.UUID,
    format: exporting.ExportFormat = "csv",  # noqa: A002 - same parameter as the API
) -> Response:
    """The same download as `GET /api/v1/frameworks/{id}/export`, for a signed-in admin."""
    result = exporting.export_framework(session, framework_id, format)
    headers = {"Content-Disposition": f'attachment; filename="{result.filename}"'}
    if isinstance(result.content, str):
        return Response(result.content, media_type=result.media_type, headers=headers)
    return JSONResponse(result.content, headers=headers)


@router.get("/{framework_id}/edit")
def edit_framework_form(
    request: Request, session: SessionDep, _admin: PageAdminDep, framework_id: uuid.UUID
) -> Response:
    framework = service.editable_framework(session, framework_id)
    return _framework_form(request, framework, framework_values(framework), FormErrors())


@router.post("/{framework_id}/edit")
def edit_framework(
    request: Request,
    session: SessionDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
    framework_id: uuid.UUID,
) -> Response:
    framework = service.editable_framework(session, framework_id)
    updated, errors = attempt(
        session,
        lambda: service.update_framework(
            session, framework_id, framework_update(form, framework), actor=admin.actor
        ),
    )
    if updated is None:
        session.refresh(framework)
        return _framework_form(request, framework, form.fields, errors)
    return RedirectResponse(f"/admin/frameworks/{framework_id}?done=saved", status_code=303)


@router.post("/{framework_id}/publish")
def publish(
    request: Request, session: SessionDep, admin: CheckedAdminForm, framework_id: uuid.UUID
) -> Response:
    done, errors = attempt(
        session, lambda: service.publish_framework(session, framework_id, actor=admin.actor)
    )
    if done is None:
        return _detail(request, session, framework_id, errors)
    return RedirectResponse(f"/admin/frameworks/{framework_id}?done=published", status_code=303)


@router.post("/{framework_id}/retire")
def retire(
    request: Request, session: SessionDep, admin: CheckedAdminForm, framework_id: uuid.UUID
) -> Response:
    done, errors = attempt(
        session, lambda: service.retire_framework(session, framework_id, actor=admin.actor)
    )
    if done is None:
        return _detail(request, session, framework_id, errors)
    return RedirectResponse(f"/admin/frameworks/{framework_id}?done=retired", status_code=303)


@router.post("/{framework_id}/versions")
def new_version(
    request: Request,
    session: SessionDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
    framework_id: uuid.UUID,
) -> Response:
    def start() -> Framework:
        data = NewVersionCreate.model_validate({"version": form.get("version") or None})
        return service.start_new_version(session, framework_id, data, actor=admin.actor)

    created, errors = attempt(session, start)
    if created is None:
        return _detail(request, session, framework_id, errors)
    return RedirectResponse(f"/admin/frameworks/{created.id}?done=versioned", status_code=303)


@router.post("/{framework_id}/delete")
def delete(
    request: Request, session: SessionDep, admin: CheckedAdminForm, framework_id: uuid.UUID
) -> Response:
    def remove() -> bool:
        service.delete_framework(session, framework_id, actor=admin.actor)
        return True

    done, errors = attempt(session, remove)
    if done is None:
        return _detail(request, session, framework_id, errors)
    return RedirectResponse("/admin/frameworks?done=deleted", status_code=303)
