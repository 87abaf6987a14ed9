"""Issuing one credential, and the issued credentials: search, CSV export, detail, revocation.

Forms build the same issue request as a CSV row (`batch_csv.record_to_request`) and call the
same services as the API, so a page can never accept what the API refuses.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from credex.db.models import Achievement, Learner
from credex.deps import SessionDep, SettingsDep
from credex.issuance import lifecycle
from credex.issuance.batch_csv import record_to_request
from credex.issuance.schemas import IssueRequest
from credex.issuance.search import CredentialFilter, CredentialRow, search_credentials
from credex.issuance.service import issue_or_replay
from credex.web.console.access import CheckedConsoleForm, Console, ConsoleDep
from credex.web.credential_page import qr_code_svg
from credex.web.forms import FormErrors, SubmittedFormDep, attempt
from credex.web.templating import PageRoute, attachment, localized, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)
PAGE_SIZE = 25
ISSUE_FIELDS = (
    "achievement_id",
    "email",
    "name",
    "grade",
    "evidence_url",
    "evidence_name",
    "activity_start",
    "activity_end",
)
# API field → form field, so errors land next to the right input.
RENAME = {
    "learner": "email",
    "result": "grade",
    "evidence": "evidence_url",
}


def published_achievements(session: SessionDep, console: Console) -> list[tuple[str, str]]:
    rows = session.scalars(
        select(Achievement)
        .where(Achievement.issuer_id == console.issuer_id, Achievement.status == "published")
        .order_by(Achievement.created_at.desc())
    ).all()
    return [(str(row.id), f"{localized(row.name, row.language)} ({row.version})") for row in rows]


def _issue_page(
    request: Request,
    session: SessionDep,
    console: Console,
    values: dict[str, str],
    errors: FormErrors,
) -> Response:
    return render(
        request,
        "console/issue.html",
        status_code=errors.status if errors else 200,
        title="Issue a credential",
        console=console,
        values=values,
        errors=errors,
        achievements=published_achievements(session, console),
    )


@router.get("/issue")
def issue_form(
    request: Request,
    session: SessionDep,
    console: ConsoleDep,
    achievement_id: Annotated[str, Query()] = "",
) -> Response:
    console.require(console.can_issue, "issue credentials")
    values = {"achievement_id": achievement_id, "public": "on"}
    return _issue_page(request, session, console, values, FormErrors())


@router.post("/issue")
def issue(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: CheckedConsoleForm,
    form: SubmittedFormDep,
) -> Response:
    console.require(console.can_issue, "issue credentials")
    values = {name: form.get(name) for name in (*ISSUE_FIELDS, "public")}
    cells = {name: values[name] for name in ISSUE_FIELDS}
    body: dict[str, Any] = record_to_request(
        cells, achievement_id=values["achievement_id"] or None, credential_format="ldp"
    )
    body["public"] = values["public"] == "on"
    if not values["achievement_id"]:
        errors = FormErrors()
        errors.fields["achievement_id"] = "Choose the micro-credential to award."
        return _issue_page(request, session, console, values, errors)

    def run() -> uuid.UUID:
        issue_request = IssueRequest.model_validate(body)
        outcome = issue_or_replay(
            session, console.issuer_id, issue_request, settings, actor=console.actor
        )
        return outcome.credential.id

    issued, errors = attempt(session, run, RENAME)
    if issued is None:
        return _issue_page(request, session, console, values, errors)
    return RedirectResponse(f"/console/credentials/{issued}?issued=1", status_code=303)


def _day(value: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        return None


def _filter(params: dict[str, str]) -> CredentialFilter:
    until = _day(params.get("until", ""))
    try:
        achievement_id = uuid.UUID(params["achievement"]) if params.get("achievement") else None
    except ValueError:
        achievement_id = None
    try:
        learner_id = uuid.UUID(params["learner_id"]) if params.get("learner_id") else None
    except ValueError:
        learner_id = None
    status = params.get("status") or None
    return CredentialFilter(
        learner=params.get("learner", "").strip(),
        achievement_id=achievement_id,
        learner_id=learner_id,
        status=status if status in ("active", "revoked") else None,
        since=_day(params.get("since", "")),
        until=until + timedelta(days=1) if until else None,
    )


@router.get("/credentials")
def list_credentials(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    params = dict(request.query_params)
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    rows, total = search_credentials(
        session,
        console.principal,
        _filter(params),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    query = {k: v for k, v in params.items() if k != "page" and v}
    return render(
        request,
        "console/credentials.html",
        title="Issued credentials",
        console=console,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        values=params,
        query=query,
        achievements=published_achievements(session, console),
    )


@router.get("/credentials.csv")
def export_credentials(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    rows, _total = search_credentials(
        session, console.principal, _filter(dict(request.query_params)), limit=100_000
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["id", "issued_at", "status", "learner_email", "learner_name", "achievement", "url"]
    )
    for row in rows:
        writer.writerow(
            [
                row.credential.id,
                row.credential.created_at.isoformat(),
                row.credential.status,
                row.learner.email,
                row.learner.name or "",
                localized(row.achievement.name, row.achievement.language),
                f"/credentials/{row.credential.id}",
            ]
        )
    return attachment(out.getvalue(), "text/csv; charset=utf-8", "credentials.csv")


def _detail(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: Console,
    credential_id: uuid.UUID,
    *,
    confirm: bool = False,
    reason: str = "",
    error: str | None = None,
) -> Response:
    credential = lifecycle.get_credential(session, console.principal, credential_id)
    learner = session.get(Learner, credential.learner_id)
    achievement = session.get(Achievement, credential.achievement_id)
    assert learner is not None  # foreign keys
    assert achievement is not None
    row = CredentialRow(credential, learner, achievement)
    url = f"{settings.base_url}/credentials/{credential.id}"
    return render(
        request,
        "console/credential.html",
        status_code=422 if error else 200,
        title="Credential",
        console=console,
        row=row,
        url=url,
        qr=qr_code_svg(url),
        issued=request.query_params.get("issued") == "1",
        confirm=confirm,
        reason=reason,
        error=error,
    )


@router.get("/credentials/{credential_id}")
def credential_detail(
    credential_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: ConsoleDep,
) -> Response:
    return _detail(request, session, settings, console, credential_id)


@router.post("/credentials/{credential_id}/revoke")
def revoke(
    *,
    credential_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: CheckedConsoleForm,
    form: SubmittedFormDep,
) -> Response:
    """Two steps: the reason, then a confirmation that says revocation is final."""
    console.require(console.can_issue, "revoke credentials")
    lifecycle.get_credential(session, console.principal, credential_id)  # 404 first
    reason = form.get("reason")
    if not reason:
        return _detail(
            request,
            session,
            settings,
            console,
            credential_id,
            error="Say why the credential is revoked: the learner and verifiers may see it.",
        )
    if form.get("confirmed") != "yes":
        return _detail(
            request, session, settings, console, credential_id, confirm=True, reason=reason
        )
    lifecycle.revoke_credential(
        session, console.principal, credential_id, reason[:1000], actor=console.actor
    )
    return RedirectResponse(f"/console/credentials/{credential_id}", status_code=303)
