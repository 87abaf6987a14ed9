"""`GET/POST /verify`: the employer's verification page (paste, upload or enter an address).

The form posts back to the same page, which shows the verdict first (in words, with an icon and
a colour, never colour alone), then who issued it and whether this service knows them, what
was achieved, the EU micro-credential facts, and every check in plain words. The page calls the
same service as `POST /api/v1/verify`, so the two can never disagree.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from credex.core.verification.summary import level_text
from credex.deps import ReadSessionDep, SettingsDep
from credex.verification import service
from credex.verification.ratelimit import VerificationRateLimit
from credex.verification.words import TRUST_WORDS, described_checks, human_date
from credex.web.achievement_page import type_words
from credex.web.forms import FormErrors, SubmittedForm, SubmittedFormDep
from credex.web.templating import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
NOT_STATED = "Not stated"


def _facts(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts an employer looks for, in a fixed order; missing ones say so."""
    ects = summary["ects"]
    eqf = summary["eqf_level"]
    facts = [
        ("Achievement", summary["achievement"]["name"] or summary["name"] or NOT_STATED),
        ("Type", type_words(kind) if (kind := summary["achievement"]["type"]) else NOT_STATED),
        _level(eqf, summary.get("national_level")),
        ("ECTS credits", ects or NOT_STATED),
        ("Workload", summary["workload"] or NOT_STATED),
        ("Issued (valid from)", human_date(summary["valid_from"]) or NOT_STATED),
        ("Valid until", human_date(summary["valid_until"]) or "No end date"),
    ]
    if summary["awarded"]:
        facts.append(("Awarded", human_date(summary["awarded"]) or NOT_STATED))
    return facts


def _level(eqf: int | None, national: str | None) -> tuple[str, str]:
    """ "EQF 5 (France: niveau 5)" when a national level is stated, else "Level 5" of the EQF."""
    if national:
        return ("Level", level_text(eqf, national) or NOT_STATED)
    return ("EQF level", f"Level {eqf}" if eqf else NOT_STATED)


def _verdict(result: dict[str, Any]) -> dict[str, str]:
    what = "presentation" if result.get("format") == "presentation" else "credential"
    checks = described_checks(result["checks"])
    if result["verified"]:
        warnings = len(result["warnings"])
        note = f", with {warnings} warning{'s' if warnings > 1 else ''} below" if warnings else ""
        return {
            "state": "ok",
            "icon": "✔",
            "title": "Verified",
            "sentence": f"This {what} is genuine and currently valid{note}.",
        }
    standing = result.get("standing")
    blocking = next(
        (c for c in checks if c["outcome"] in ("failed", "error")),
        None,
    )
    reason = f" {blocking['label']}: {blocking['detail'].rstrip('.')}." if blocking else ""
    if standing and result.get("format") != "presentation":
        reason = f" {standing['words'].rstrip('.')}."
    if blocking is None and result.get("credentials"):
        reason = " One of the credentials it contains did not verify."
    return {
        "state": "bad",
        "icon": "✖",
        "title": "Not verified",
        "sentence": f"Do not rely on this {what}.{reason}",
    }


def result_view(result: dict[str, Any]) -> dict[str, Any]:
    """Template-ready data for one report (and, for presentations, each credential in it)."""
    summary = result.get("credential")
    view: dict[str, Any] = {
        "verdict": _verdict(result),
        "checks": described_checks(result["checks"]),
        "summary": summary,
        "facts": _facts(summary) if summary else [],
        "credentials": [result_view(each) for each in result.get("credentials") or []],
        "endorsements": [result_view(each) for each in result.get("endorsements") or []],
        "holder": result.get("holder"),
        "endorsement": result.get("endorsement"),
    }
    if summary:
        trust = summary["issuer"]["trust"]
        view["trust"] = {
            "status": trust["status"],
            "words": TRUST_WORDS[trust["status"]],
            "accreditation": trust.get("accreditation"),
        }
        view["status"] = result["standing"]
        view["proven"] = any(
            c["id"] == "proof" and c["outcome"] == "passed" for c in view["checks"]
        )
        if not view["proven"]:
            # A forgery can name any issuer: never show a trusted badge it has not earned.
            view["trust"] = {"status": "unproven", "words": "Not proven by a valid signature"}
    return view


def _is_address(text: str) -> bool:
    stripped = text.strip()
    return stripped.startswith(("https://", "http://")) and not any(c.isspace() for c in stripped)


def _submission(form: SubmittedForm) -> tuple[service.Submission | None, FormErrors]:
    errors = FormErrors()
    upload = form.files.get("file")
    has_file = upload is not None and bool(upload.data)
    document, url, email = form.get("document"), form.get("url"), form.get("email") or None
    present = {"file": has_file, "document": bool(document), "url": bool(url)}
    given = [name for name, yes in present.items() if yes]
    if email and ("@" not in email or len(email) > 320):
        errors.fields["email"] = "Enter an email address like name@example.org, or leave it empty."
    if upload is not None and upload.too_large:
        errors.fields["file"] = "The file is larger than 5 MB."
        errors.status = 413
    elif not given:
        errors.general.append("Paste a credential, upload a file or enter a web address.")
    elif len(given) > 1:
        errors.general.append("Use one way at a time: paste, upload or web address.")
    elif url and not url.startswith(("https://", "http://")):
        errors.fields["url"] = "Enter a web address starting with https://"
    elif document and _is_address(document):
        url, document = document.strip(), ""  # one box takes pasted text or an address
    if errors:
        return None, errors
    if has_file and upload is not None:
        return service.Submission(kind="file", data=upload.data, email=email), errors
    if url:
        return service.Submission(kind="url", data=url, email=email), errors
    return service.Submission(kind="credential", data=document, email=email), errors


def _page(request: Request, **context: Any) -> Response:
    values = {"result": None, "errors": FormErrors(), "values": {}, "status_code": 200} | context
    status_code = values.pop("status_code")
    return render(
        request,
        "verify/verify.html",
        status_code=status_code,
        title="Verify a credential",
        **values,
    )


@router.get("/verify")
def verify_form(request: Request) -> Response:
    return _page(request)


@router.post("/verify")
def verify_submitted(
    request: Request,
    _limit: VerificationRateLimit,
    form: SubmittedFormDep,
    session: ReadSessionDep,
    settings: SettingsDep,
) -> Response:
    values = {name: form.get(name) for name in ("document", "url", "email")}
    submission, errors = _submission(form)
    if submission is None:
        return _page(request, errors=errors, values=values, status_code=errors.status)
    result = service.verify_submission(
        session, settings, submission, fetcher=service.make_fetcher(settings)
    )
    return _page(request, result=result_view(result), values=values)
