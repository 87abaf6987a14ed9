"""The FastAPI application factory: settings, database, problem handlers, middleware, routers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from credex import __version__
from credex.achievements.public import router as achievements_public_router
from credex.achievements.router import router as achievements_router
from credex.audit.router import router as audit_router
from credex.auth.router import router as tokens_router
from credex.core.credex_context import register_credex_context
from credex.core.limits import configure as configure_work_limits
from credex.credential_forms.router import router as credential_forms_router
from credex.db import migrate
from credex.db.session import Database
from credex.elm.router import router as elm_router
from credex.frameworks.router import router as frameworks_router
from credex.issuance.batch_router import router as batch_router
from credex.issuance.public_router import router as credentials_public_router
from credex.issuance.router import router as credentials_router
from credex.issuers.router import router as issuers_router
from credex.jobs.worker import install_job_worker
from credex.learners.router import router as learners_router
from credex.logging import configure_logging
from credex.middleware import RequestContextMiddleware
from credex.oid4vci.install import install_oid4vci
from credex.oid4vp.router import router as oid4vp_router
from credex.ops.router import router as ops_router
from credex.problems import PROBLEM_JSON, install_problem_handlers
from credex.recognition.accreditation_router import router as accreditations_router
from credex.recognition.endorsement_router import router as endorsements_router
from credex.recognition.nqf_router import router as nqf_router
from credex.recognition.rpl_router import router as rpl_router
from credex.request_guard import RequestGuardMiddleware
from credex.settings import Settings, get_settings
from credex.stacking.pages import router as pathways_page_router
from credex.stacking.router import router as stacking_router
from credex.status_lists.router import router as status_lists_router
from credex.throttling import install_throttling
from credex.verification import install_verification
from credex.wallet import install_wallet
from credex.web import install_web
from credex.web.admin_competencies import router as admin_competencies_page_router
from credex.web.admin_frameworks import router as admin_frameworks_page_router
from credex.web.api_docs import install_api_docs
from credex.web.public_frameworks import router as public_frameworks_page_router
from credex.web.recognition_pages import router as recognition_pages_router
from credex.web.security_headers import HtmlSecurityHeadersMiddleware
from credex.web.verify_ask import router as verify_ask_page_router

_PROBLEM: dict[str, Any] = {
    "content": {PROBLEM_JSON: {}},
    "description": "RFC 9457 problem details",
}
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _PROBLEM,
    401: _PROBLEM,
    403: _PROBLEM,
    404: _PROBLEM,
    413: _PROBLEM,  # the body limit (credex.request_guard) applies to every route
    422: _PROBLEM,
    429: _PROBLEM,
    500: _PROBLEM,
    503: _PROBLEM,  # the database is unreachable (with Retry-After)
}


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.check_production_safety()
    configure_logging(settings.log_level, settings.log_format)
    app = FastAPI(
        docs_url=None,  # served by install_api_docs, from the package's assets (no CDN)
        redoc_url=None,
        title="credex",
        version=__version__,
        summary="Issue and verify EU micro-credentials as Open Badges 3.0 / W3C VC 2.0",
        responses=COMMON_RESPONSES,
    )
    app.state.settings = settings
    register_credex_context(settings.base_url)
    configure_work_limits(settings.work_limits())
    app.state.db = database or Database.from_url(
        settings.database_url, pool_size=settings.db_pool_size
    )
    app.state.migration_head = migrate.head_revision(settings.database_url)
    install_problem_handlers(app)
    install_throttling(app)
    app.add_middleware(HtmlSecurityHeadersMiddleware)
    app.add_middleware(
        RequestGuardMiddleware,
        base_url=settings.base_url,
        max_body=settings.max_body_bytes,
        max_public_body=settings.max_public_body_bytes,
        max_json_depth=settings.max_json_depth,
    )
    install_api_docs(app)
    app.add_middleware(RequestContextMiddleware, base_url=settings.base_url)
    app.include_router(ops_router)
    app.include_router(tokens_router)
    app.include_router(frameworks_router)
    install_web(app)
    app.include_router(admin_frameworks_page_router)
    app.include_router(admin_competencies_page_router)
    app.include_router(public_frameworks_page_router)
    app.include_router(issuers_router)
    app.include_router(achievements_router)
    app.include_router(achievements_public_router)
    app.include_router(learners_router)
    app.include_router(credentials_router)
    app.include_router(credentials_public_router)
    app.include_router(elm_router)
    app.include_router(status_lists_router)
    app.include_router(credential_forms_router)
    app.include_router(audit_router)
    app.include_router(batch_router)
    app.include_router(stacking_router)
    app.include_router(pathways_page_router)
    install_verification(app)
    install_wallet(app)
    install_oid4vci(app)
    app.include_router(nqf_router)
    app.include_router(accreditations_router)
    app.include_router(endorsements_router)
    app.include_router(rpl_router)
    app.include_router(recognition_pages_router)
    install_job_worker(app)
    app.include_router(oid4vp_router)
    app.include_router(verify_ask_page_router)
    return app
