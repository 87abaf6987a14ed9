"""Mount the authorization server, the credential issuer and learner notifications."""

from __future__ import annotations

from fastapi import FastAPI

from credex.jobs.worker import register_periodic_task
from credex.notifications.router import api as notifications_api_router
from credex.notifications.router import pages as unsubscribe_pages_router
from credex.notifications.sender import send_due
from credex.oauth.authorize import router as authorize_router
from credex.oauth.cleanup import purge_expired
from credex.oauth.errors import install_oauth_errors
from credex.oauth.router import router as oauth_router
from credex.oid4vci.offers_router import router as offers_api_router
from credex.oid4vci.router import router as oid4vci_router
from credex.oid4vci.sd_jwt_forms import install_sd_jwt_forms
from credex.web.wallet_offer_pages import router as wallet_offer_pages_router


def install_oid4vci(app: FastAPI) -> None:
    """Also the issuance notifications: sent by every job worker's poll (`send_due`)."""
    install_sd_jwt_forms()
    install_oauth_errors(app)
    app.include_router(oauth_router)
    app.include_router(authorize_router)
    app.include_router(oid4vci_router)
    app.include_router(offers_api_router)
    app.include_router(notifications_api_router)
    app.include_router(unsubscribe_pages_router)
    app.include_router(wallet_offer_pages_router)
    register_periodic_task(send_due)
    register_periodic_task(purge_expired)
