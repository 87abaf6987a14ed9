"""`/verify/ask`: an employer asks the learner's wallet for a credential (OpenID4VP 1.0).

The employer picks a preset on `/verify`; this page shows the request as a QR code (another
device) and a link (a wallet on this device), waits for the answer (a small script polls the
request's state; without scripts the page refreshes itself), then shows the same check-by-check
report as for a file, plus the claims the learner disclosed. The report can be downloaded:
credex keeps nothing of the presentation and forgets the report after a day.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from credex.db.base import utcnow
from credex.deps import SessionDep, SettingsDep
from credex.errors import InvalidInput
from credex.oid4vp import service
from credex.oid4vp.schemas import PresentationRequestCreate
from credex.verification.ratelimit import VerificationRateLimit
from credex.web.credential_page import qr_code_svg
from credex.web.forms import SubmittedForm, SubmittedFormDep
from credex.web.templating import PageRoute, render
from credex.web.verify_page import result_view

router = APIRouter(route_class=PageRoute, include_in_schema=False)
_UUID = re.compile(r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")
CLAIM_WORDS = {
    "name": "The learner's name",
    "achievement": "What was achieved",
    "eqf": "EQF level",
    "date": "Date of issue",
    "issuer": "Issuer",
}
PRESET_WORDS = {
    "micro-credential": "Any micro-credential",
    "eu-learning-credential": "An EU Learning Credential",
    "achievement": "A given achievement",
    "min-eqf": "A minimum EQF level",
    "claims": "Only some claims",
    "dcql": "A DCQL query",
}


def request_from_form(form: SubmittedForm) -> PresentationRequestCreate:
    """The form's choice as the API's body (one set of rules for the API and the page)."""
    preset = form.get("preset") or "micro-credential"
    achievement = _UUID.search(form.get("achievement"))
    level = form.get("min_eqf")
    claims = [name for name in CLAIM_WORDS if form.get(f"claim_{name}") == "on"]
    try:
        return PresentationRequestCreate.model_validate(
            {
                "preset": preset,
                "achievement_id": achievement.group(1) if achievement else None,
                "min_eqf": int(level) if level.isdigit() else None,
                "claims": claims or None,
                "response_mode": "direct_post.jwt"
                if form.get("encrypt") == "on"
                else "direct_post",
            }
        )
    except ValueError as exc:
        raise InvalidInput("choose what to ask for") from exc


@router.post("/verify/ask")
def ask_a_wallet(
    _limit: VerificationRateLimit,
    form: SubmittedFormDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    row = service.create_request(session, settings, request_from_form(form))
    return RedirectResponse(f"/verify/ask/{row.id}", status_code=303)


def _disclosures(report: dict[str, Any]) -> list[dict[str, Any]]:
    shown = []
    for item in report.get("disclosed") or []:
        claims = [
            (path, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            for path, value in item["claims"].items()
        ]
        shown.append({"query": item["query"], "selective": item["selective"], "claims": claims})
    return shown


def _saved_report(report: dict[str, Any], request_id: uuid.UUID) -> dict[str, str]:
    data = json.dumps(report, ensure_ascii=False, indent=2).encode()
    return {
        "href": "data:application/json;base64," + base64.b64encode(data).decode(),
        "filename": f"presentation-report-{request_id}.json",
    }


@router.get("/verify/ask/{request_id}")
def waiting_for_the_wallet(
    request_id: uuid.UUID, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    row = service.get_request(session, request_id)
    state = service.current_state(row, utcnow())
    links = service.links(row, settings)
    context: dict[str, Any] = {
        "request_id": row.id,
        "state": state,
        "preset": PRESET_WORDS.get(row.preset, row.preset),
        "wallet_link": links["request_uri"],
        "status_url": f"/api/v1/presentation-requests/{row.id}",
        "qr_code": None,
        "result": None,
        "disclosed": [],
        "saved": None,
    }
    if state == "pending":
        context["qr_code"] = qr_code_svg(
            links["request_uri"], "QR code for a wallet app: scan it with the learner's wallet"
        )
    elif row.report is not None:
        context["result"] = result_view(row.report)
        context["disclosed"] = _disclosures(row.report)
        context["saved"] = _saved_report(row.report, row.id)
    return render(request, "verify/ask.html", title="Ask a wallet", **context)
