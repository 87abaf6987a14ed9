"""The learner's wallet: credentials of every issuer, downloads, sharing, import and privacy."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response


async def _signin_required(request: Request, exc: Exception) -> Response:
    from credex.web.session import signin_redirect

    return signin_redirect()


def install_wallet(app: FastAPI) -> None:
    """Mount sign-in, the wallet API, share links and the wallet pages (one call in the factory)."""
    from credex.signin.pages import router as signin_pages_router
    from credex.signin.router import router as signin_router
    from credex.wallet.router import router as wallet_router
    from credex.wallet.share_router import router as share_router
    from credex.web.session import WalletSignInRequired
    from credex.web.wallet_pages import router as wallet_pages_router

    app.add_exception_handler(WalletSignInRequired, _signin_required)
    app.include_router(signin_router)
    app.include_router(wallet_router)
    app.include_router(share_router)
    app.include_router(signin_pages_router)
    app.include_router(wallet_pages_router)
