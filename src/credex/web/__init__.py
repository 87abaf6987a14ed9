"""The shared web layer: templates, static files, page sign-in and HTML error pages.

`install_web(app)` mounts `/static`, the sign-in routes, the interface-language switch
(`/language/{code}`) and the HTML error handlers. Feature
pages are routers with `route_class=PageRoute` whose templates extend `base.html`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from credex.web.language import router as language_router
from credex.web.session import login_redirect
from credex.web.templating import STATIC_DIR, LoginRequired, PageError, error_page


async def _page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    return error_page(request, exc)


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return login_redirect(exc.next_path)


def install_web(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(PageError, _page_error)
    app.add_exception_handler(LoginRequired, _login_required)
    from credex.web.admin import router as admin_router
    from credex.web.console import router as console_router
    from credex.web.home import router as home_router
    from credex.web.staff_signin import router as staff_signin_router

    app.include_router(home_router)
    app.include_router(staff_signin_router)
    app.include_router(console_router)
    app.include_router(admin_router)
    app.include_router(language_router)
