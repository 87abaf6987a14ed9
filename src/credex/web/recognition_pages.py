"""`/wallet/recognition`: the learner applies for recognition of prior learning and follows it.

The page lists the learner's applications with their stage, and (with `?achievement=<id>`,
the button on the public achievement page) a form: a statement, one text per learning outcome,
a link, a written piece of evidence and a file; "Save as draft" or "Submit". Same service as
`/api/v1/wallet/recognition`; input is kept after an error.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from credex.audit.actors import actor_label
from credex.db.models import Achievement
from credex.deps import SessionDep, SettingsDep
from credex.errors import Conflict, InvalidInput, NotFound
from credex.i18n import N_
from credex.recognition import rpl
from credex.web.forms import SubmittedForm, SubmittedFormDep
from credex.web.session import CheckedLearnerForm, PageLearner, PageLearnerDep
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/wallet/recognition", route_class=PageRoute, include_in_schema=False)
STAGE_WORDS = {
    "draft": N_("Draft: documenting your learning"),
    "submitted": N_("Submitted: being assessed"),
    "more_evidence": N_("More evidence asked for"),
    "accepted": N_("Recognised: credential issued"),
    "declined": N_("Declined"),
}


def _achievement(session: Session, raw: str | None) -> Achievement | None:
    try:
        found = session.get(Achievement, uuid.UUID(raw)) if raw else None
    except ValueError:
        return None
    return found if found is not None and found.status == "published" else None


def _page(
    request: Request,
    session: Session,
    learner: PageLearner,
    achievement: Achievement | None,
    *,
    form: SubmittedForm | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    email = learner.email.strip().lower()
    applications = [
        {
            "title": _title(session.get(Achievement, row.achievement_id)),
            "stage": STAGE_WORDS[row.state],
            "comment": (row.decisions[-1].get("comment") if row.decisions else None),
            "submitted": row.submitted_at,
        }
        for row in rpl.of_learner(session, email)
    ]
    outcomes = []
    if achievement is not None:
        lang = achievement.language
        for number, outcome in zip(
            rpl.outcome_ids(achievement), achievement.learning_outcomes, strict=True
        ):
            text = outcome["description"].get(lang) or next(iter(outcome["description"].values()))
            outcomes.append({"id": number, "text": text})
    return render(
        request,
        "wallet/recognition.html",
        status_code=status_code,
        title="Recognition of prior learning",
        learner=learner,
        applications=applications,
        achievement={"id": achievement.id, "title": _title(achievement)} if achievement else None,
        outcomes=outcomes,
        values=form.fields if form else {},
        error=error,
    )


def _title(achievement: Achievement | None) -> str:
    if achievement is None:
        return "Achievement"
    names: dict[str, Any] = achievement.name
    return str(names.get(achievement.language) or next(iter(names.values()), "Achievement"))


@router.get("")
def recognition_page(
    request: Request, session: SessionDep, learner: PageLearnerDep, achievement: str | None = None
) -> Response:
    return _page(request, session, learner, _achievement(session, achievement))


@router.post("")
def apply(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: CheckedLearnerForm,
    form: SubmittedFormDep,
) -> Response:
    achievement = _achievement(session, form.get("achievement_id"))
    if achievement is None:
        return _page(request, session, learner, None, error="This achievement is not open.")
    outcomes = [
        {"outcome_id": number, "text": form.get(f"outcome-{number}")}
        for number in rpl.outcome_ids(achievement)
        if form.get(f"outcome-{number}")
    ]
    evidence: list[dict[str, Any]] = []
    if form.get("evidence_url"):
        evidence.append({"url": form.get("evidence_url")})
    if form.get("evidence_text"):
        evidence.append({"text": form.get("evidence_text")})
    upload = form.files.get("file")
    try:
        if form.get("evidence_url") and not form.get("evidence_url").startswith(
            ("https://", "http://")
        ):
            raise InvalidInput("The link must start with https://.")
        if upload is not None and upload.too_large:
            raise InvalidInput("The file is larger than 5 MB.")
        with session.begin_nested():
            actor = actor_label(learner.principal)
            row = rpl.apply(
                session,
                settings,
                learner.email.strip().lower(),
                actor,
                {
                    "achievement_id": achievement.id,
                    "statement": form.get("statement"),
                    "outcomes": outcomes,
                    "evidence": evidence,
                    "submit": False,
                },
            )
            if upload is not None and upload.data:
                rpl.add_file(session, row, actor, upload.filename, upload.data)
            if form.get("action") == "submit":
                rpl.submit(session, settings, row, actor)
    except (InvalidInput, Conflict, NotFound) as exc:
        return _page(
            request, session, learner, achievement, form=form, error=exc.detail, status_code=422
        )
    return RedirectResponse("/wallet/recognition#applications", status_code=303)
