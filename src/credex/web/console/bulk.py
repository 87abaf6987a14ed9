"""Bulk issuance pages: upload or paste a CSV, preview per-row errors, start, watch, cancel,
download the failed rows. The job runs in the existing job worker (`credex.jobs`); the progress
page refreshes itself (a `<meta http-equiv="refresh">`, so it needs no JavaScript).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response

from credex.deps import SessionDep, SettingsDep
from credex.errors import Conflict, InvalidInput
from credex.issuance.batch_preview import (
    csv_upload,
    failed_rows_csv,
    preview_batch,
    submit_valid_rows,
)
from credex.jobs.service import cancel_job, get_job, progress_of
from credex.jobs.worker import wake_job_worker
from credex.web.console.access import CheckedConsoleForm, Console, ConsoleDep
from credex.web.console.credentials import published_achievements
from credex.web.forms import SubmittedFormDep
from credex.web.templating import PageRoute, attachment, render

router = APIRouter(prefix="/console/bulk", route_class=PageRoute, include_in_schema=False)


def _csv_text(form: SubmittedFormDep) -> str:
    uploaded = form.files.get("file")
    if uploaded is not None and uploaded.data:
        return uploaded.data.decode("utf-8-sig", errors="replace")
    return form.fields.get("rows", "")


def _form_page(
    request: Request,
    session: SessionDep,
    console: Console,
    *,
    rows: str = "",
    achievement_id: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "console/bulk_form.html",
        status_code=status,
        title="Bulk issue",
        console=console,
        rows=rows,
        achievement_id=achievement_id,
        achievements=published_achievements(session, console),
        error=error,
    )


@router.get("")
def bulk_form(request: Request, session: SessionDep, console: ConsoleDep) -> Response:
    console.require(console.can_issue, "issue credentials")
    return _form_page(request, session, console)


@router.post("/preview")
def preview(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: CheckedConsoleForm,
    form: SubmittedFormDep,
) -> Response:
    console.require(console.can_issue, "issue credentials")
    text = _csv_text(form)
    achievement_id = form.get("achievement_id")
    if not text.strip():
        return _form_page(
            request,
            session,
            console,
            achievement_id=achievement_id,
            error="Choose a CSV file or paste the rows.",
            status=422,
        )
    try:
        found = preview_batch(
            session, console.principal, csv_upload(text, achievement_id), settings
        )
    except InvalidInput as exc:
        problems = "; ".join(str(e.get("detail", "")) for e in (exc.errors or [])[:5])
        return _form_page(
            request,
            session,
            console,
            rows=text,
            achievement_id=achievement_id,
            error=f"{exc.detail.capitalize()}{': ' + problems if problems else ''}.",
            status=422,
        )
    return render(
        request,
        "console/bulk_preview.html",
        title="Check before issuing",
        console=console,
        preview=found,
        rows=text,
        achievement_id=achievement_id,
    )


@router.post("/start")
def start(
    *,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    console: CheckedConsoleForm,
    form: SubmittedFormDep,
    background: BackgroundTasks,
) -> Response:
    console.require(console.can_issue, "issue credentials")
    text = form.fields.get("rows", "")
    achievement_id = form.get("achievement_id")
    try:
        job = submit_valid_rows(
            session,
            console.principal,
            csv_upload(text, achievement_id),
            settings,
            actor=console.actor,
        )
    except (InvalidInput, Conflict) as exc:
        return _form_page(
            request,
            session,
            console,
            rows=text,
            achievement_id=achievement_id,
            error=exc.detail.capitalize() + ".",
            status=exc.status,
        )
    background.add_task(wake_job_worker, request.app)
    return RedirectResponse(f"/console/bulk/{job.id}", status_code=303)


@router.get("/{job_id}")
def progress(
    job_id: uuid.UUID, request: Request, session: SessionDep, console: ConsoleDep
) -> Response:
    job = get_job(session, console.principal, job_id)
    processed = job.done_count + job.failed_count
    percent = int(processed * 100 / job.total) if job.total else 100
    skipped = len(job.params.get("skipped", []))
    return render(
        request,
        "console/bulk_progress.html",
        title="Bulk issue",
        console=console,
        job=job,
        percent=percent,
        speed=progress_of(job),
        skipped=skipped,
        running=job.state in ("queued", "running"),
    )


@router.post("/{job_id}/cancel")
def cancel(job_id: uuid.UUID, session: SessionDep, console: CheckedConsoleForm) -> Response:
    console.require(console.can_issue, "cancel bulk jobs")
    cancel_job(session, console.principal, job_id)
    return RedirectResponse(f"/console/bulk/{job_id}", status_code=303)


@router.get("/{job_id}/failed.csv")
def failed_rows(job_id: uuid.UUID, session: SessionDep, console: ConsoleDep) -> Response:
    job = get_job(session, console.principal, job_id)
    return attachment(
        failed_rows_csv(session, job), "text/csv; charset=utf-8", f"failed-rows-{job.id}.csv"
    )
