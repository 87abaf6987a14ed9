"""`/api/v1/wallet`: a learner's credentials across issuers, files, sharing, import, privacy.

Every route takes a learner token; another person's credential answers 404 like a missing one.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from credex.db.base import utcnow
from credex.deps import LearnerPrincipal, SessionDep, SettingsDep
from credex.pagination import CursorParam, LimitParam, Page
from credex.stacking.responses import pathway_reads
from credex.stacking.schemas import PathwayRead
from credex.verification.service import make_fetcher
from credex.verification.submission import SubmissionDep
from credex.wallet import account, disclosure, pathways, service, sharing
from credex.wallet import import_ as imported
from credex.wallet.schemas import (
    AccountDeleted,
    AccountExport,
    DisclosableFieldRead,
    DisclosedCredential,
    DisclosureRequest,
    FileKind,
    ImportedCredentialRead,
    ShareLinkCreate,
    ShareLinkCreated,
    ShareLinkRead,
    VisibilityUpdate,
    WalletCredentialRead,
)
from credex.wallet.views import imported_read, share_link_read

router = APIRouter(prefix="/api/v1/wallet", tags=["wallet"])


@router.get("/credentials", summary="The learner's credentials from every issuer (newest first)")
def list_credentials(
    session: SessionDep,
    principal: LearnerPrincipal,
    settings: SettingsDep,
    limit: LimitParam = 50,
    cursor: CursorParam = None,
) -> Page[WalletCredentialRead]:
    entries, next_cursor = service.list_entries(session, principal, limit=limit, cursor=cursor)
    now = utcnow()
    return Page(
        items=[service.to_read(entry, settings.base_url, now) for entry in entries],
        next=next_cursor,
    )


@router.get("/credentials/{credential_id}", summary="One credential of the wallet")
def read_credential(
    credential_id: uuid.UUID,
    session: SessionDep,
    principal: LearnerPrincipal,
    settings: SettingsDep,
) -> WalletCredentialRead:
    entry = service.get_entry(session, principal, credential_id)
    return service.to_read(entry, settings.base_url, utcnow())


@router.get(
    "/credentials/{credential_id}/files/{kind}",
    summary="Download: the credential as issued (json or jwt), baked png/svg, or pdf certificate",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_file(
    credential_id: uuid.UUID,
    kind: FileKind,
    session: SessionDep,
    principal: LearnerPrincipal,
    settings: SettingsDep,
) -> Response:
    item = service.credential_download(
        session, principal, credential_id, kind, base_url=settings.base_url, now=utcnow()
    )
    filename = f"{str(credential_id)[:8]}-{item.name}"
    return Response(
        item.data,
        media_type=item.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/credentials/{credential_id}/visibility", summary="Turn the public page on or off")
def set_visibility(
    credential_id: uuid.UUID,
    data: VisibilityUpdate,
    session: SessionDep,
    principal: LearnerPrincipal,
    settings: SettingsDep,
) -> WalletCredentialRead:
    sharing.set_public(session, principal, credential_id, data.public, data.show_name)
    entry = service.get_entry(session, principal, credential_id)
    return service.to_read(entry, settings.base_url, utcnow())


@router.post(
    "/credentials/{credential_id}/share-links",
    status_code=201,
    summary="A secret link to the credential's page, even while it is private",
)
def create_share_link(
    credential_id: uuid.UUID,
    data: ShareLinkCreate,
    session: SessionDep,
    principal: LearnerPrincipal,
    settings: SettingsDep,
) -> ShareLinkCreated:
    link, token = sharing.create_share_link(session, principal, credential_id, data)
    read = share_link_read(link, utcnow())
    return ShareLinkCreated(**read.model_dump(), url=sharing.share_url(settings.base_url, token))


@router.get("/credentials/{credential_id}/share-links", summary="The credential's share links")
def list_share_links(
    credential_id: uuid.UUID, session: SessionDep, principal: LearnerPrincipal
) -> Page[ShareLinkRead]:
    now = utcnow()
    links = sharing.list_share_links(session, principal, credential_id)
    return Page(items=[share_link_read(link, now) for link in links], next=None)


@router.delete(
    "/credentials/{credential_id}/share-links",
    status_code=204,
    summary="Revoke every share link of the credential",
)
def revoke_all_share_links(
    credential_id: uuid.UUID, session: SessionDep, principal: LearnerPrincipal
) -> Response:
    sharing.revoke_all_share_links(session, principal, credential_id)
    return Response(status_code=204)


@router.delete(
    "/credentials/{credential_id}/share-links/{link_id}",
    status_code=204,
    summary="Revoke one share link",
)
def revoke_share_link(
    credential_id: uuid.UUID, link_id: uuid.UUID, session: SessionDep, principal: LearnerPrincipal
) -> Response:
    sharing.revoke_share_link(session, principal, credential_id, link_id)
    return Response(status_code=204)


@router.get(
    "/export",
    summary="The whole wallet as a zip (credentials, baked badges, PDFs, presentation, index)",
    responses={200: {"content": {"application/zip": {}}}},
)
def export_wallet(
    session: SessionDep, principal: LearnerPrincipal, settings: SettingsDep
) -> Response:
    now = utcnow()
    data = service.export_wallet(
        session, principal, base_url=settings.base_url, now=now, settings=settings
    )
    filename = f"credex-wallet-{now:%Y%m%d}.zip"
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/imports",
    status_code=201,
    summary="Import a credential from elsewhere (JSON, VC-JWT, baked PNG/SVG or URL)",
)
def import_credential(
    submission: SubmissionDep,
    session: SessionDep,
    principal: LearnerPrincipal,
    settings: SettingsDep,
    issuer_id: Annotated[
        uuid.UUID | None, Query(description="keep it with this issuer only (default: all)")
    ] = None,
) -> Page[ImportedCredentialRead]:
    rows = imported.import_credential(
        session,
        principal,
        submission,
        settings,
        fetcher=make_fetcher(settings),
        issuer_id=issuer_id,
    )
    issuers = imported.issuers_of(session, rows)
    return Page(
        items=[imported_read(row, issuers[row.issuer_id], settings.base_url) for row in rows],
        next=None,
    )


@router.get("/imports", summary="Imported credentials and their verification status")
def list_imports(
    session: SessionDep, principal: LearnerPrincipal, settings: SettingsDep
) -> Page[ImportedCredentialRead]:
    rows = imported.list_imported(session, principal)
    return Page(
        items=[imported_read(row, issuer, settings.base_url) for row, issuer in rows], next=None
    )


@router.get("/pathways", summary="Progress on the stacking rules of every issuer that knows you")
def list_pathways(
    session: SessionDep, principal: LearnerPrincipal, settings: SettingsDep
) -> Page[PathwayRead]:
    views = pathways.person_pathways(session, principal, settings)
    return Page(items=pathway_reads(session, views), next=None)


@router.get("/account/export", summary="Everything stored about you (data portability)")
def export_account(session: SessionDep, principal: LearnerPrincipal) -> AccountExport:
    return account.export_account(session, principal)


@router.delete(
    "/account",
    summary="Erase your personal data; issued credentials stay verifiable, tokens are revoked",
)
def delete_account(session: SessionDep, principal: LearnerPrincipal) -> AccountDeleted:
    return account.delete_account(session, principal)


@router.get(
    "/credentials/{credential_id}/fields",
    summary="Fields you can choose to disclose (credentials issued with ecdsa-sd-2023)",
)
def list_disclosable_fields(
    credential_id: uuid.UUID, session: SessionDep, principal: LearnerPrincipal
) -> Page[DisclosableFieldRead]:
    found = disclosure.disclosable_fields(session, principal, credential_id)
    items = [DisclosableFieldRead(**vars(field)) for field in found]
    return Page(items=items, next=None)


@router.post(
    "/credentials/{credential_id}/derive",
    summary="Share only these fields: a derived credential disclosing the chosen fields",
)
def derive_credential(
    credential_id: uuid.UUID,
    data: DisclosureRequest,
    session: SessionDep,
    principal: LearnerPrincipal,
) -> DisclosedCredential:
    """Nothing is stored; the mandatory fields are always disclosed (409 for a credential
    without an ecdsa-sd-2023 base proof)."""
    derived = disclosure.derive_for_learner(session, principal, credential_id, data.fields)
    return DisclosedCredential(credential=derived, disclosed=data.fields)
