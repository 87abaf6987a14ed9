"""Verification for employers and other relying parties: the report API, the W3C VC-API, the
trusted-issuer list, the verification web page and the `credex verify` command."""

from __future__ import annotations

from fastapi import FastAPI


def install_verification(app: FastAPI) -> None:
    """Mount every verification route (one call in the app factory keeps merges simple)."""
    from credex.verification.router import router
    from credex.verification.trust_router import router as trust_router
    from credex.verification.vcapi_router import router as vcapi_router
    from credex.web.verify_page import router as page_router

    app.include_router(router)
    app.include_router(trust_router)
    app.include_router(vcapi_router)
    app.include_router(page_router)
