"""Mount the authorization server and the credential issuer (one call in the app factory)."""

from __future__ import annotations

from fastapi import FastAPI

from credex.oauth.authorize import router as authorize_router
from credex.oauth.errors import install_oauth_errors
from credex.oauth.router import router as oauth_router
from credex.oid4vci.offers_router import router as offers_api_router
from credex.oid4vci.router import router as oid4vci_router


def install_oid4vci(app: FastAPI) -> None:
    install_oauth_errors(app)
    app.include_router(oauth_router)
    app.include_router(authorize_router)
    app.include_router(oid4vci_router)
    app.include_router(offers_api_router)
