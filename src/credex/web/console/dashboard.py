"""The console's first page: this month's issuance, revocations, bulk jobs, achievements."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from credex.db.models import Achievement, Credential, Job
from credex.deps import SessionDep
from credex.web.console.access import ConsoleDep
from credex.web.forms import SubmittedFormDep
from credex.web.session import CheckedStaffForm
from credex.web.templating import PageError, PageRoute, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)


@router.get("")
def dashboard(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    now = datetime.now(UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    mine = Credential.issuer_id == console.issuer_id
    issued = session.scalar(
        select(func.count(Credential.id)).where(mine, Credential.created_at >= month_start)
    )
    revoked = session.scalar(
        select(func.count(Credential.id)).where(mine, Credential.revoked_at >= month_start)
    )
    states = dict(
        session.execute(
            select(Achievement.status, func.count(Achievement.id))
            .where(Achievement.issuer_id == console.issuer_id)
            .group_by(Achievement.status)
        ).all()
    )
    jobs = session.scalars(
        select(Job)
        .where(Job.issuer_id == console.issuer_id)
        .order_by(Job.created_at.desc())
        .limit(5)
    ).all()
    return render(
        request,
        "console/dashboard.html",
        title="Console",
        console=console,
        issued=issued or 0,
        revoked=revoked or 0,
        states=states,
        jobs=jobs,
    )


@router.post("/switch")
def switch_issuer(
    session: SessionDep, staff: CheckedStaffForm, form: SubmittedFormDep
) -> RedirectResponse:
    """A person who works for several issuers chooses which one the console shows."""
    try:
        wanted = uuid.UUID(form.get("issuer_id"))
    except ValueError:
        wanted = None
    if wanted is None or wanted not in {role.issuer_id for role in staff.roles}:
        raise PageError(404, "Not found", "You do not work for this issuer.")
    staff.web_session.active_issuer_id = wanted
    return RedirectResponse("/console", status_code=303)
