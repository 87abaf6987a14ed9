"""`/docs` (Swagger UI) and `/redoc` (ReDoc) with their scripts and styles served from the
package, so the API documentation works without internet and loads nothing from another site.

The assets are those the `fastapi-offline` package ships; the pages are FastAPI's own. ReDoc
always adds a "powered by" logo from its CDN: `/static/redoc-offline.js`, loaded first, points
that image at the local favicon, so the browser never requests it.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from credex.web.templating import static_url

DOCS_ASSETS = "/docs/assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
REDOC_JS = f"{DOCS_ASSETS}/redoc.standalone.js"


def install_api_docs(app: FastAPI) -> None:
    """Mount the assets and the two pages (the app is created with docs_url=redoc_url=None)."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=ASSETS_DIR), name="api-docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=OAUTH2_REDIRECT,
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
        )

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=REDOC_JS,
            redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )
        shim = f'<script src="{static_url("redoc-offline.js")}"></script>\n</head>'
        html = bytes(page.body).decode().replace("</head>", shim, 1)
        return HTMLResponse(html)
