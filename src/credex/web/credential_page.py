"""The public credential page (`GET /credentials/{id}` and share links, for browsers).

Verified live on each view; what an employer looks for, in the order they read it: the status in
plain words (the same standing the wallet and `POST /api/v1/verify` give), who earned it (only
when the learner agreed to show their name, per public page and per share link), the badge, the
achievement with its learning outcomes and skills (linked to ESCO), EQF, ECTS, grade, assessment
and quality assurance, links to the issuer's and the achievement's pages, then sharing: LinkedIn
"add to profile" (public pages only), the address to copy, a QR code, and the credential as
issued to download. Every check of the verification follows for those who want the detail.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from sqlalchemy.orm import Session, object_session

from credex.achievements.public import achievement_spec
from credex.core.credentials.microcredential import build_achievement
from credex.core.verification.summary import as_list, text_of
from credex.db.models import Achievement, Credential, Issuer, Learner
from credex.settings import Settings
from credex.verification import service
from credex.wallet.badge_image import badge_png
from credex.wallet.published import published_content
from credex.wallet.repository import WalletEntry
from credex.wallet.sharing import linkedin_add_url
from credex.web.achievement_page import achievement_view
from credex.web.document_pages import PageImage
from credex.web.templating import render
from credex.web.verify_page import result_view


def credential_payload(credential: Any) -> dict[str, Any] | str:
    """The credential as a verifier receives it: a stored row's published form (JSON text or
    JWS; an ecdsa-sd-2023 base credential as its mandatory disclosure), a dict or a str."""
    if isinstance(credential, dict | str):
        return credential
    if isinstance(credential, Credential):
        return published_content(credential)
    content = getattr(credential, "content", None)
    if isinstance(content, str):
        return content
    raise TypeError(f"not a credential: {type(credential).__name__}")


def qr_code_svg(url: str, label: str | None = None) -> Markup:
    """An inline SVG QR code for `url`, with an accessible name (no script, no inline style)."""
    import segno  # loaded on first QR code, not at app start-up

    svg = segno.make(url, error="m").svg_inline(
        scale=1, omitsize=True, svgclass="qr", lineclass="qr__modules", title=None
    )
    name = escape(label or f"QR code linking to {url}")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1))  # noqa: S704


def _download(payload: dict[str, Any] | str, credential_id: str) -> dict[str, str]:
    if isinstance(payload, dict):
        data, media_type, suffix = (
            json.dumps(payload, ensure_ascii=False),
            "application/json",
            "json",
        )
    elif payload.lstrip().startswith("{"):
        data, media_type, suffix = payload, "application/json", "json"
    else:
        data, media_type, suffix = payload, "text/plain", "jwt"
    encoded = base64.b64encode(data.encode()).decode()
    return {
        "href": f"data:{media_type};base64,{encoded}",
        "filename": f"credential-{credential_id}.{suffix}",
        "label": "Download the credential (JSON)" if suffix == "json" else "Download the VC-JWT",
    }


def _sharing(summary: dict[str, Any] | None, earner: str | None, page_url: str) -> dict[str, str]:
    """OpenGraph/Twitter values: what was achieved, by whom (with consent), from whom."""
    if summary is None:
        return {"title": "Credential", "description": "A credential", "image": ""}
    achievement = summary["achievement"]["name"] or summary["name"] or "A credential"
    issuer = summary["issuer"]["name"] or "its issuer"
    description = (
        f"{earner} earned {achievement} from {issuer}."
        if earner
        else f"{achievement}, issued by {issuer}."
    )
    image = summary["achievement"]["image"] or ""
    return {
        "title": achievement,
        "description": description + " Verify it at " + page_url,
        "image": image if image.startswith("https://") else "",
    }


def grades(document: dict[str, Any] | None) -> list[dict[str, str]]:
    """The learner's results (OB `result`), named by the achievement's `resultDescription`."""
    if not document:
        return []
    subject = next(iter(as_list(document.get("credentialSubject"))), None)
    if not isinstance(subject, dict):
        return []
    achievement = subject.get("achievement")
    descriptions = {
        item.get("id"): text_of(item.get("name"))
        for item in as_list(achievement.get("resultDescription") if achievement else None)
        if isinstance(item, dict)
    }
    found = []
    for result in as_list(subject.get("result")):
        if isinstance(result, dict) and text_of(result.get("value")):
            name = descriptions.get(result.get("resultDescription")) or "Result"
            found.append({"name": name, "value": str(text_of(result.get("value")))})
    return found


def _own_rows(session: Session, credential: Credential) -> WalletEntry | None:
    achievement = session.get(Achievement, credential.achievement_id)
    issuer = session.get(Issuer, credential.issuer_id)
    learner = session.get(Learner, credential.learner_id)
    if achievement is None or issuer is None or learner is None:
        return None
    return WalletEntry(credential, achievement, issuer, learner)


def _own_view(
    session: Session, entry: WalletEntry, settings: Settings, show_name: bool
) -> dict[str, Any]:
    """What credex knows of its own credential beyond the signed JSON (same rows, same words)."""
    spec = achievement_spec(session, entry.achievement, settings.base_url)
    achievement = achievement_view(session, entry.achievement, spec, build_achievement(spec))
    if achievement["image"] is None:
        png = base64.b64encode(badge_png(entry.achievement)).decode()
        achievement["image"] = PageImage(
            alt=f"Badge of {spec.name}", inline=f"data:image/png;base64,{png}"
        )
    credential = entry.credential
    return {
        "achievement": achievement,
        "earner": entry.learner.name if show_name and entry.learner.name else None,
        "grades": grades(credential.document),
        "issuer_href": f"/issuers/{entry.issuer.id}",
        "achievement_href": f"/achievements/{entry.achievement.id}",
        "linkedin_url": linkedin_add_url(entry, settings.base_url) if credential.public else None,
    }


def render_credential_page(
    request: Request,
    credential: Any,
    session: Session | None = None,
    *,
    show_name: bool = False,
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    if session is None and not isinstance(credential, dict | str):
        session = object_session(credential)  # the public route's unit of work
    payload = credential_payload(credential)
    verifier = service.Verifier(session, settings, service.make_fetcher(settings))
    result = verifier.verify(service.Submission(kind="credential", data=payload))
    own = None
    if isinstance(credential, Credential) and session is not None:
        entry = _own_rows(session, credential)
        own = _own_view(session, entry, settings, show_name) if entry else None
    earner = own["earner"] if own else None
    if result.get("credential"):
        # The learner decides whether their name is shown, even when the credential states it.
        result["credential"]["learner"]["name"] = earner
    view = result_view(result)
    page_url = f"{settings.base_url}{request.url.path}"
    credential_id = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    sharing = _sharing(view["summary"], earner, page_url)
    return render(
        request,
        "verify/credential.html",
        title=sharing["title"],
        view=view,
        standing=result["standing"],
        own=own,
        earner=earner,
        page_url=page_url,
        sharing=sharing,
        qr_code=qr_code_svg(page_url),
        download=_download(payload, credential_id),
        # The Europass (ELM v3) form is public exactly when the credential is.
        elm_href=f"/credentials/{credential_id}/elm"
        if getattr(credential, "public", False)
        else None,
    )


def private_credential_page(request: Request) -> HTMLResponse:
    """404 for a browser: private (or unknown: the two are not told apart), verify a file."""
    page = render(
        request, "verify/private.html", status_code=404, title="This credential is private"
    )
    page.headers["Vary"] = "Accept"
    page.headers["X-Robots-Tag"] = "noindex"
    return page
