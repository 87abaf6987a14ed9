"""Admin console: issuers (create, edit profile and quality assurance, logo), their signing keys
(rotate; mark compromised after a confirmation saying what it does) and their managers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from credex.accounts import service as accounts
from credex.db.models import Issuer, IssuerKey
from credex.deps import SessionDep, SettingsDep
from credex.issuers import service as issuers
from credex.issuers.schemas import IssuerCreate, IssuerUpdate
from credex.keys import service as keys
from credex.web.forms import FormErrors, SubmittedFormDep, attempt
from credex.web.session import CheckedAdminForm, PageAdmin, PageAdminDep
from credex.web.templating import PageError, PageRoute, render

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False)
FIELDS = ("name", "url", "email", "country", "description", "qa_type", "qa_body", "qa_url")
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_LOGO_BYTES = 256 * 1024
RENAME = {"quality_assurance": "qa_type"}


def _body(values: dict[str, str]) -> dict[str, Any]:
    qa = None
    if values["qa_type"] or values["qa_body"] or values["qa_url"]:
        qa = {
            "type": values["qa_type"],
            "body": values["qa_body"] or None,
            "url": values["qa_url"] or None,
        }
    return {
        "name": values["name"],
        "url": values["url"] or None,
        "email": values["email"] or None,
        "country": values["country"].upper() or None,
        "description": values["description"] or None,
        "quality_assurance": qa,
    }


def _values(issuer: Issuer) -> dict[str, str]:
    qa = issuer.quality_assurance or {}
    return {
        "name": issuer.name,
        "url": issuer.url or "",
        "email": issuer.email or "",
        "country": issuer.country or "",
        "description": issuer.description or "",
        "qa_type": str(qa.get("type") or ""),
        "qa_body": str(qa.get("body") or ""),
        "qa_url": str(qa.get("url") or ""),
    }


@router.get("")
def admin_home(request: Request, session: SessionDep, admin: PageAdminDep) -> Response:
    rows = session.scalars(select(Issuer).order_by(Issuer.name)).all()
    return render(request, "admin/home.html", title="Administration", admin=admin, issuers=rows)


def _issuer_page(  # noqa: PLR0917 - one page, many states
    request: Request,
    session: SessionDep,
    admin: PageAdmin,
    issuer: Issuer | None,
    values: dict[str, str],
    errors: FormErrors,
    **extra: Any,
) -> Response:
    key_rows = (
        session.scalars(
            select(IssuerKey).where(IssuerKey.issuer_id == issuer.id).order_by(IssuerKey.number)
        ).all()
        if issuer
        else []
    )
    return render(
        request,
        "admin/issuer.html",
        status_code=errors.status if errors else extra.pop("status", 200),
        title=issuer.name if issuer else "New issuer",
        admin=admin,
        issuer=issuer,
        values=values,
        errors=errors,
        keys=key_rows,
        members=accounts.members_of(session, issuer.id) if issuer else [],
        compromise=extra.pop("compromise", None),
        member_values=extra.pop("member_values", {"member_role": "manager"}),
        member_errors=extra.pop("member_errors", FormErrors()),
        **extra,
    )


@router.get("/issuers/new")
def new_issuer(request: Request, session: SessionDep, admin: PageAdminDep) -> Response:
    values = dict.fromkeys(FIELDS, "")
    return _issuer_page(request, session, admin, None, values, FormErrors())


@router.post("/issuers/new")
def create_issuer(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
) -> Response:
    values = {name: form.get(name) for name in FIELDS}

    def run() -> uuid.UUID:
        data = IssuerCreate.model_validate({k: v for k, v in _body(values).items() if v})
        actor = admin.actor
        return issuers.create_issuer(session, data, settings, actor=actor).issuer.id

    created, errors = attempt(session, run, RENAME)
    if created is None:
        return _issuer_page(request, session, admin, None, values, errors)
    return RedirectResponse(f"/admin/issuers/{created}", status_code=303)


def _issuer(session: SessionDep, issuer_id: uuid.UUID) -> Issuer:
    issuer = session.get(Issuer, issuer_id)
    if issuer is None:
        raise PageError(404, "Not found", "There is no such issuer.")
    return issuer


@router.get("/issuers/{issuer_id}")
def issuer_page(
    issuer_id: uuid.UUID, request: Request, session: SessionDep, admin: PageAdminDep
) -> Response:
    issuer = _issuer(session, issuer_id)
    return _issuer_page(request, session, admin, issuer, _values(issuer), FormErrors())


@router.post("/issuers/{issuer_id}")
def update_issuer(
    issuer_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
) -> Response:
    issuer = _issuer(session, issuer_id)
    values = {name: form.get(name) for name in FIELDS}

    def run() -> object:
        data = IssuerUpdate.model_validate(_body(values))
        return issuers.update_issuer(session, admin.principal, issuer_id, data)

    done, errors = attempt(session, run, RENAME)
    if done is None:
        return _issuer_page(request, session, admin, issuer, values, errors)
    return RedirectResponse(f"/admin/issuers/{issuer_id}?saved=1", status_code=303)


@router.post("/issuers/{issuer_id}/logo")
def upload_logo(
    *,
    issuer_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
) -> Response:
    issuer = _issuer(session, issuer_id)
    upload = form.files.get("logo")
    data = upload.data if upload else b""
    media_type = next((t for magic, t in LOGO_TYPES.items() if data.startswith(magic)), None)
    if media_type is None or len(data) > MAX_LOGO_BYTES:
        errors = FormErrors(status=422)
        errors.general.append("Choose a PNG or JPEG image of at most 256 KB.")
        return _issuer_page(request, session, admin, issuer, _values(issuer), errors)
    issuer.logo_data = data
    issuer.logo_media_type = media_type
    logo_url = f"{settings.base_url}/issuers/{issuer.id}/logo"
    issuers.update_issuer(session, admin.principal, issuer_id, IssuerUpdate(image=logo_url))
    return RedirectResponse(f"/admin/issuers/{issuer_id}?saved=1", status_code=303)


@router.post("/issuers/{issuer_id}/staff")
def add_manager(
    issuer_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
) -> Response:
    issuer = _issuer(session, issuer_id)
    values = {name: form.get(name) for name in ("member_email", "member_name", "member_role")}

    def run() -> object:
        return accounts.add_member(
            session,
            issuer_id,
            values["member_email"],
            values["member_role"] or "manager",
            actor=admin.actor,
            display_name=values["member_name"],
        )

    added, errors = attempt(session, run, {"email": "member_email", "role": "member_role"})
    if added is None:
        return _issuer_page(
            request,
            session,
            admin,
            issuer,
            _values(issuer),
            FormErrors(),
            member_values=values,
            member_errors=errors,
            status=errors.status,
        )
    return RedirectResponse(f"/admin/issuers/{issuer_id}#staff", status_code=303)


@router.post("/issuers/{issuer_id}/keys/rotate")
def rotate(
    issuer_id: uuid.UUID, session: SessionDep, settings: SettingsDep, admin: CheckedAdminForm
) -> Response:
    keys.rotate_keys(session, admin.principal, issuer_id, settings)
    return RedirectResponse(f"/admin/issuers/{issuer_id}?rotated=1#keys", status_code=303)


@router.post("/issuers/{issuer_id}/keys/{key_id}/compromise")
def compromise(
    *,
    issuer_id: uuid.UUID,
    key_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    admin: CheckedAdminForm,
    form: SubmittedFormDep,
) -> Response:
    """First press: a page saying what it does, with the time; second press: mark it."""
    issuer = _issuer(session, issuer_id)
    key = session.get(IssuerKey, key_id)
    if key is None or key.issuer_id != issuer.id:
        raise PageError(404, "Not found", "There is no such key.")
    since_text = form.get("since")
    reason = form.get("reason")
    try:
        since = datetime.fromisoformat(since_text) if since_text else None
    except ValueError:
        since = None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    error = None if since is not None or not since_text else "Give the time as 2026-01-31T14:00."
    if form.get("confirmed") != "yes" or since is None:
        return _issuer_page(
            request,
            session,
            admin,
            issuer,
            _values(issuer),
            FormErrors(),
            compromise={
                "key": key,
                "since": since_text or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"),
                "reason": reason,
                "error": error,
                "confirm": since is not None,
            },
            status=422 if error else 200,
        )
    keys.compromise_key(
        session,
        admin.principal,
        issuer_id,
        str(key.id),
        since=since,
        reason=reason or None,
        settings=settings,
    )
    return RedirectResponse(f"/admin/issuers/{issuer_id}?compromised=1#keys", status_code=303)
