"""Admin console: every API token, the trusted issuers list, and the audit log with filters."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from credex.audit.repository import filtered
from credex.auth.tokens import revoke_token
from credex.db.models import ApiToken, AuditEntry, Issuer, TrustedIssuer
from credex.deps import SessionDep
from credex.verification import trust
from credex.verification.schemas import TrustedIssuerCreate
from credex.web.forms import FormErrors, SubmittedFormDep, attempt
from credex.web.session import CheckedAdminForm, PageAdmin, PageAdminDep
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False)
AUDIT_PAGE = 100


@router.get("/tokens")
def tokens(request: Request, session: SessionDep, admin: PageAdminDep) -> Response:
    rows = session.execute(
        select(ApiToken, Issuer.name)
        .outerjoin(Issuer, Issuer.id == ApiToken.issuer_id)
        .where(ApiToken.role != "learner")
        .order_by(ApiToken.created_at.desc())
        .limit(500)
    ).all()
    return render(request, "admin/tokens.html", title="API tokens", admin=admin, rows=rows)


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: uuid.UUID, session: SessionDep, admin: CheckedAdminForm) -> Response:
    revoke_token(session, token_id, caller=admin.principal)
    return RedirectResponse("/admin/tokens", status_code=303)


def _trusted_page(
    request: Request,
    session: SessionDep,
    admin: PageAdmin,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    errors = errors or FormErrors()
    rows = session.scalars(select(TrustedIssuer).order_by(TrustedIssuer.name)).all()
    return render(
        request,
        "admin/trusted.html",
        status_code=errors.status if errors else 200,
        title="Trusted issuers",
        admin=admin,
        rows=rows,
        values=values or {},
        errors=errors,
    )


@router.get("/trusted-issuers")
def trusted(request: Request, session: SessionDep, admin: PageAdminDep) -> Response:
    return _trusted_page(request, session, admin)


@router.post("/trusted-issuers")
def add_trusted(
    request: Request, session: SessionDep, admin: CheckedAdminForm, form: SubmittedFormDep
) -> Response:
    values = {name: form.get(name) for name in ("issuer", "name", "note")}

    def run() -> object:
        data = TrustedIssuerCreate.model_validate({k: v for k, v in values.items() if v})
        return trust.add_trusted_issuer(session, data, actor=admin.actor)

    added, errors = attempt(session, run)
    if added is None:
        return _trusted_page(request, session, admin, values, errors)
    return RedirectResponse("/admin/trusted-issuers", status_code=303)


@router.post("/trusted-issuers/{entry_id}/remove")
def remove_trusted(entry_id: uuid.UUID, session: SessionDep, admin: CheckedAdminForm) -> Response:
    trust.remove_trusted_issuer(session, entry_id, actor=admin.actor)
    return RedirectResponse("/admin/trusted-issuers", status_code=303)


def _day(value: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        return None


@router.get("/audit")
def audit_log(request: Request, session: SessionDep, admin: PageAdminDep) -> Response:
    params = dict(request.query_params)
    until = _day(params.get("until", ""))
    stmt = filtered(
        select(AuditEntry),
        action=params.get("action", "").strip() or None,
        actor=params.get("actor", "").strip() or None,
        since=_day(params.get("since", "")),
        until=until + timedelta(days=1) if until else None,
    )
    try:
        issuer_id = uuid.UUID(params["issuer"]) if params.get("issuer") else None
    except ValueError:
        issuer_id = None
    if issuer_id is not None:
        stmt = stmt.where(AuditEntry.issuer_id == issuer_id)
    rows = session.scalars(
        stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(AUDIT_PAGE)
    ).all()
    issuer_names = {row[0]: row[1] for row in session.execute(select(Issuer.id, Issuer.name))}
    return render(
        request,
        "admin/audit.html",
        title="Audit log",
        admin=admin,
        rows=rows,
        values=params,
        issuers=sorted(issuer_names.items(), key=lambda item: item[1]),
        issuer_names=issuer_names,
    )
