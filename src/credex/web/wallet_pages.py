"""The learner's wallet pages: list, detail (downloads, sharing), pathways, import, account.

Pages call the same services as `/api/v1/wallet`, with the learner taken from the wallet cookie
(see `credex.web.session`). Every form posts with a CSRF token; nothing needs JavaScript,
and the layout is the shared single column that works on a phone.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from credex.accounts.sessions import end_session, end_sessions_of_email
from credex.db.base import utcnow
from credex.deps import SessionDep, SettingsDep
from credex.elm import service as elm_service
from credex.errors import Conflict, InvalidInput, NotFound
from credex.oid4vci.wallet_view import add_to_wallet
from credex.stacking.pathways import PathwayView
from credex.verification.service import Submission, make_fetcher
from credex.wallet import account, disclosure, pathways, service, sharing
from credex.wallet import import_ as imported
from credex.wallet.badge_image import badge_png
from credex.wallet.facts import achievement_facts
from credex.wallet.schemas import FileKind, ShareLinkCreate
from credex.wallet.views import imported_read, share_link_read
from credex.web.forms import SubmittedFormDep
from credex.web.session import (
    CheckedLearnerForm,
    PageLearner,
    PageLearnerDep,
    clear_session_cookie,
    signin_redirect,
)
from credex.web.templating import PageRoute, attachment, render

router = APIRouter(prefix="/wallet", route_class=PageRoute, include_in_schema=False)


def _list_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: PageLearner,
    *,
    import_error: str | None = None,
    status_code: int = 200,
) -> Response:
    now = utcnow()
    entries = service.all_entries(session, learner.principal)
    views: list[PathwayView] = pathways.person_pathways(session, learner.principal, settings)
    imports = [
        imported_read(row, issuer, settings.base_url)
        for row, issuer in imported.list_imported(session, learner.principal)
    ]
    return render(
        request,
        "wallet/list.html",
        status_code=status_code,
        title="My wallet",
        learner=learner,
        credentials=[service.to_read(entry, settings.base_url, now) for entry in entries],
        pathways=views,
        imports=imports,
        import_error=import_error,
    )


@router.get("")
def wallet_home(
    request: Request, session: SessionDep, settings: SettingsDep, learner: PageLearnerDep
) -> Response:
    return _list_page(request, session, settings, learner)


def detail_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: PageLearner,
    credential_id: uuid.UUID,
    *,
    new_link_url: str | None = None,
    disclosure_error: str | None = None,
    chosen_fields: frozenset[str] = frozenset(),
    status_code: int = 200,
    **extra: Any,
) -> Response:
    now = utcnow()
    entry = service.get_entry(session, learner.principal, credential_id)
    extra.setdefault("add_to_wallet", add_to_wallet(session, entry.credential))
    links = sharing.list_share_links(session, learner.principal, credential_id)
    read = service.to_read(entry, settings.base_url, now)
    return render(
        request,
        "wallet/detail.html",
        status_code=status_code,
        title=read.achievement.name,
        learner=learner,
        credential=read,
        facts=achievement_facts(entry.achievement),
        links=[share_link_read(link, now) for link in links],
        new_link_url=new_link_url,
        disclosable=disclosure.disclosable_fields(session, learner.principal, credential_id),
        disclosure_error=disclosure_error,
        chosen_fields=chosen_fields,
        **extra,
    )


@router.get("/credentials/{credential_id}")
def credential_detail(
    credential_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: PageLearnerDep,
) -> Response:
    return detail_page(request, session, settings, learner, credential_id)


@router.get("/credentials/{credential_id}/badge.png")
def badge_picture(
    credential_id: uuid.UUID, session: SessionDep, learner: PageLearnerDep
) -> Response:
    """The badge picture for the list (not baked: the baked one is a download)."""
    entry = service.get_entry(session, learner.principal, credential_id)
    return Response(
        badge_png(entry.achievement),
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=3600"},
    )


@router.get("/credentials/{credential_id}/files/{kind}")
def download(
    credential_id: uuid.UUID,
    kind: FileKind,
    session: SessionDep,
    settings: SettingsDep,
    learner: PageLearnerDep,
) -> Response:
    item = service.credential_download(
        session, learner.principal, credential_id, kind, base_url=settings.base_url, now=utcnow()
    )
    return attachment(item.data, item.media_type, f"{str(credential_id)[:8]}-{item.name}")


@router.get("/credentials/{credential_id}/elm")
def download_elm(
    credential_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    learner: PageLearnerDep,
) -> Response:
    """The credential as ELM v3 (Europass): signed by the issuer, made on first request."""
    content = elm_service.wallet_rendering(
        session, learner.principal, credential_id, settings, elm_service.ELM_FORM
    )
    return attachment(
        content.encode(), elm_service.ELM_MEDIA_TYPE, f"{str(credential_id)[:8]}-elm.json"
    )


def _back_to(credential_id: uuid.UUID, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/wallet/credentials/{credential_id}#{anchor}", status_code=303)


@router.post("/credentials/{credential_id}/visibility")
def change_visibility(
    credential_id: uuid.UUID,
    session: SessionDep,
    learner: CheckedLearnerForm,
    form: SubmittedFormDep,
) -> Response:
    show_name = form.get("show_name") == "on" if form.get("name_choice") else None
    sharing.set_public(
        session, learner.principal, credential_id, form.get("public") == "on", show_name
    )
    return _back_to(credential_id, "visibility")


@router.post("/credentials/{credential_id}/share-links")
def new_share_link(
    credential_id: uuid.UUID,
    *,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: CheckedLearnerForm,
    form: SubmittedFormDep,
) -> Response:
    days = form.get("expires_in_days")
    try:
        data = ShareLinkCreate(
            label=form.get("label") or None,
            expires_in_days=int(days) if days.isdigit() else None,
            show_name=form.get("show_name") == "on",
        )
    except ValidationError as exc:
        raise InvalidInput("choose a validity between 1 day and 10 years") from exc
    _link, token = sharing.create_share_link(session, learner.principal, credential_id, data)
    url = sharing.share_url(settings.base_url, token)
    return detail_page(request, session, settings, learner, credential_id, new_link_url=url)


@router.post("/credentials/{credential_id}/derive")
def share_only_these_fields(
    credential_id: uuid.UUID,
    *,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: CheckedLearnerForm,
    form: SubmittedFormDep,
) -> Response:
    """The derived credential as a download; on a problem, the page again with the choice kept.

    Checkboxes are named `disclose:<pointer>` (one value per name, as forms are read here).
    """
    chosen = [
        name.removeprefix("disclose:") for name in form.fields if name.startswith("disclose:")
    ]
    try:
        derived = disclosure.derive_for_learner(session, learner.principal, credential_id, chosen)
    except (Conflict, InvalidInput) as exc:
        return detail_page(
            request,
            session,
            settings,
            learner,
            credential_id,
            disclosure_error=exc.detail,
            chosen_fields=frozenset(chosen),
            status_code=409 if isinstance(exc, Conflict) else 422,
        )
    data = json.dumps(derived, ensure_ascii=False, indent=2).encode()
    return attachment(data, "application/ld+json", f"{str(credential_id)[:8]}-disclosed.json")


@router.post("/credentials/{credential_id}/share-links/{link_id}/revoke")
def revoke_share_link(
    credential_id: uuid.UUID, link_id: uuid.UUID, session: SessionDep, learner: CheckedLearnerForm
) -> Response:
    sharing.revoke_share_link(session, learner.principal, credential_id, link_id)
    return _back_to(credential_id, "share-links")


@router.get("/export")
def export_zip(session: SessionDep, settings: SettingsDep, learner: PageLearnerDep) -> Response:
    now = utcnow()
    data = service.export_wallet(
        session, learner.principal, base_url=settings.base_url, now=now, settings=settings
    )
    return attachment(data, "application/zip", f"credex-wallet-{now:%Y%m%d}.zip")


@router.post("/imports")
def import_credential(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: CheckedLearnerForm,
    form: SubmittedFormDep,
) -> Response:
    upload = form.files.get("file")
    url = form.get("url")
    if upload is not None and upload.data and not upload.too_large:
        submission = Submission(kind="file", data=upload.data)
    elif url:
        submission = Submission(kind="url", data=url)
    else:
        message = "Choose a file (JSON, VC-JWT or badge image) or give its address."
        if upload is not None and upload.too_large:
            message = "The file is larger than 5 MB."
        return _list_page(
            request, session, settings, learner, import_error=message, status_code=422
        )
    try:
        with session.begin_nested():
            imported.import_credential(
                session, learner.principal, submission, settings, fetcher=make_fetcher(settings)
            )
    except (InvalidInput, Conflict, NotFound) as exc:
        reasons = [str(error.get("detail", "")) for error in exc.errors or []]
        message = exc.detail + (": " + "; ".join(reasons) if reasons else "")
        return _list_page(
            request, session, settings, learner, import_error=message, status_code=exc.status
        )
    return RedirectResponse("/wallet#imported", status_code=303)


@router.get("/account")
def account_page(request: Request, learner: PageLearnerDep) -> Response:
    return render(request, "wallet/account.html", title="My account", learner=learner, error=None)


@router.get("/account/export")
def account_export(session: SessionDep, learner: PageLearnerDep) -> Response:
    data: dict[str, Any] = account.export_account(session, learner.principal).model_dump(
        mode="json"
    )
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return attachment(body, "application/json", "credex-account.json")


@router.post("/account/delete")
def delete_account(
    request: Request, session: SessionDep, learner: CheckedLearnerForm, form: SubmittedFormDep
) -> Response:
    if form.get("confirm").lower() != "delete":
        return render(
            request,
            "wallet/account.html",
            status_code=422,
            title="My account",
            learner=learner,
            error="Type DELETE to confirm.",
        )
    result = account.delete_account(session, learner.principal)
    end_sessions_of_email(session, learner.email)
    response = render(request, "wallet/deleted.html", title="Account deleted", result=result)
    clear_session_cookie(response)
    return response


@router.post("/signout")
def sign_out(session: SessionDep, learner: CheckedLearnerForm) -> Response:
    end_session(session, learner.web_session)
    response = signin_redirect()
    clear_session_cookie(response)
    return response
