"""Managers' pages: the issuer's staff (invite, change role, remove) and API tokens (create —
shown once — and revoke). Staff and assessors do not see them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from credex.accounts import service as accounts
from credex.auth.tokens import create_token, revoke_token
from credex.db.models import ApiToken
from credex.db.models.accounts import ISSUER_ROLES
from credex.deps import SessionDep
from credex.errors import NotFound
from credex.issuers.repository import tokens_of_issuer
from credex.web.console.access import CheckedConsoleForm, Console, ConsoleDep
from credex.web.forms import FormErrors, SubmittedFormDep, attempt
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


def _staff_page(
    request: Request,
    session: SessionDep,
    console: Console,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    errors = errors or FormErrors()
    return render(
        request,
        "console/staff.html",
        status_code=errors.status if errors else 200,
        title="Staff",
        console=console,
        members=accounts.members_of(session, console.issuer_id),
        roles=ISSUER_ROLES,
        values=values or {"role": "staff"},
        errors=errors,
    )


@router.get("/staff")
def staff(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    console.require(console.can_manage, "manage staff")
    return _staff_page(request, session, console)


@router.post("/staff")
def invite(
    request: Request, session: SessionDep, console: CheckedConsoleForm, form: SubmittedFormDep
) -> Response:
    console.require(console.can_manage, "manage staff")
    values = {name: form.get(name) for name in ("email", "name", "role")}

    def run() -> object:
        return accounts.add_member(
            session,
            console.issuer_id,
            values["email"],
            values["role"],
            actor=console.actor,
            display_name=values["name"],
        )

    added, errors = attempt(session, run)
    if added is None:
        return _staff_page(request, session, console, values, errors)
    return RedirectResponse("/console/staff", status_code=303)


@router.post("/staff/{account_id}/role")
def change_role(
    account_id: uuid.UUID, session: SessionDep, console: CheckedConsoleForm, form: SubmittedFormDep
) -> Response:
    console.require(console.can_manage, "manage staff")
    accounts.change_role(
        session, console.issuer_id, account_id, form.get("role"), actor=console.actor
    )
    return RedirectResponse("/console/staff", status_code=303)


@router.post("/staff/{account_id}/remove")
def remove(account_id: uuid.UUID, session: SessionDep, console: CheckedConsoleForm) -> Response:
    console.require(console.can_manage, "manage staff")
    accounts.remove_member(session, console.issuer_id, account_id, actor=console.actor)
    return RedirectResponse("/console/staff", status_code=303)


def _tokens_page(
    request: Request, session: SessionDep, console: Console, created: str | None = None
) -> Response:
    rows = session.scalars(
        tokens_of_issuer(console.issuer_id).order_by(ApiToken.created_at.desc())
    ).all()
    return render(
        request,
        "console/tokens.html",
        title="API tokens",
        console=console,
        rows=rows,
        created=created,
    )


@router.get("/tokens")
def tokens(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    console.require(console.can_manage, "manage API tokens")
    return _tokens_page(request, session, console)


@router.post("/tokens")
def create(
    request: Request, session: SessionDep, console: CheckedConsoleForm, form: SubmittedFormDep
) -> Response:
    console.require(console.can_manage, "manage API tokens")
    issued = create_token(
        session,
        role="issuer",
        name=form.get("name") or f"{console.issuer_name} API token",
        issuer_id=console.issuer_id,
        actor=console.actor,
    )
    return _tokens_page(request, session, console, created=issued.token)


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: uuid.UUID, session: SessionDep, console: CheckedConsoleForm) -> Response:
    console.require(console.can_manage, "manage API tokens")
    row = session.scalar(tokens_of_issuer(console.issuer_id).where(ApiToken.id == token_id))
    if row is None:
        raise NotFound("no such token")
    revoke_token(session, token_id, caller=console.staff.admin_principal(), actor=console.actor)
    return RedirectResponse("/console/tokens", status_code=303)
