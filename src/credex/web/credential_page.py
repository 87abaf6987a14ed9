"""The public credential page (`GET /credentials/{id}` for browsers): verified live on each view.

The issuance module's public route calls `render_credential_page(request, credential)` when the
browser asks for HTML. The page shows the same verdict and facts as `/verify`, a QR code that
links back to the page (for printed CVs), OpenGraph/Twitter tags so a shared link previews
well, and a download of the credential exactly as issued.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import segno
from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from sqlalchemy.orm import Session, object_session

from credex.settings import Settings
from credex.verification import service
from credex.web.templating import render
from credex.web.verify_page import result_view


def credential_payload(credential: Any) -> dict[str, Any] | str:
    """The credential as issued: a stored row's `content` (JSON text or JWS), a dict or a str."""
    if isinstance(credential, dict | str):
        return credential
    content = getattr(credential, "content", None)
    if isinstance(content, str):
        return content
    raise TypeError(f"not a credential: {type(credential).__name__}")


def qr_code_svg(url: str) -> Markup:
    """An inline SVG QR code for `url`, with an accessible name (no script, no inline style)."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1, omitsize=True, svgclass="qr", lineclass="qr__modules", title=None
    )
    label = escape(f"QR code linking to {url}")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S704


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


def _sharing(summary: dict[str, Any] | None, page_url: str) -> dict[str, str]:
    """OpenGraph/Twitter values: what was achieved, by whom, from whom."""
    if summary is None:
        return {"title": "Credential", "description": "A credential", "image": ""}
    achievement = summary["achievement"]["name"] or summary["name"] or "A credential"
    issuer = summary["issuer"]["name"] or "its issuer"
    learner = summary["learner"]["name"]
    description = (
        f"{learner} earned {achievement} from {issuer}."
        if learner
        else f"{achievement}, issued by {issuer}."
    )
    image = summary["achievement"]["image"] or ""
    return {
        "title": achievement,
        "description": description + " Verify it at " + page_url,
        "image": image if image.startswith("https://") else "",
    }


def render_credential_page(
    request: Request, credential: Any, session: Session | None = None
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    if session is None and not isinstance(credential, dict | str):
        session = object_session(credential)  # the public route's unit of work
    payload = credential_payload(credential)
    verifier = service.Verifier(session, settings, service.make_fetcher(settings))
    result = verifier.verify(service.Submission(kind="credential", data=payload))
    view = result_view(result)
    page_url = f"{settings.base_url}{request.url.path}"
    credential_id = request.url.path.rstrip("/").rsplit("/", 1)[-1]
    sharing = _sharing(view["summary"], page_url)
    return render(
        request,
        "verify/credential.html",
        title=sharing["title"],
        view=view,
        page_url=page_url,
        sharing=sharing,
        qr_code=qr_code_svg(page_url),
        download=_download(payload, credential_id),
        # The Europass (ELM v3) form is public exactly when the credential is.
        elm_href=f"/credentials/{credential_id}/elm"
        if getattr(credential, "public", False)
        else None,
    )
