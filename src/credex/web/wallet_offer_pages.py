"""Wallet page actions under "Add to a wallet": a QR offer (code by e-mail), or the code of the
offer that was e-mailed with the credential (shown here: the other channel)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from credex.deps import SessionDep, SettingsDep
from credex.errors import Conflict, NotFound
from credex.oid4vci import wallet_view
from credex.wallet.repository import find_credential
from credex.web.credential_page import qr_code_svg
from credex.web.session import CheckedLearnerForm
from credex.web.templating import PageRoute
from credex.web.wallet_pages import detail_page

router = APIRouter(prefix="/wallet", route_class=PageRoute, include_in_schema=False)


@router.post("/credentials/{credential_id}/offers")
def show_offer(
    credential_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: CheckedLearnerForm,
) -> Response:
    credential = find_credential(session, learner.principal, credential_id)
    if credential is None:
        raise NotFound("no credential with this id in your wallet")
    if credential.status != "active":
        raise Conflict(f"a {credential.status} credential cannot be added to a wallet")
    offer = wallet_view.screen_offer(session, credential, learner.email, settings)
    view = wallet_view.add_to_wallet(session, credential)
    view.new_offer = offer
    return detail_page(
        request,
        session,
        settings,
        learner,
        credential_id,
        add_to_wallet=view,
        new_offer_qr=qr_code_svg(offer.link),
    )


@router.post("/credentials/{credential_id}/emailed-offer-code")
def show_emailed_code(
    credential_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    learner: CheckedLearnerForm,
) -> Response:
    credential = find_credential(session, learner.principal, credential_id)
    if credential is None:
        raise NotFound("no credential with this id in your wallet")
    code = wallet_view.emailed_offer_code(session, credential.id)
    if code is None:
        raise Conflict("the offer we e-mailed has expired or was used; show a QR code instead")
    view = wallet_view.add_to_wallet(session, credential)
    view.emailed_code = code
    return detail_page(request, session, settings, learner, credential_id, add_to_wallet=view)
