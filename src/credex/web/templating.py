"""Server-rendered pages: one Jinja2 environment, one `render` helper, HTML errors for page routes.

Autoescaping is on for every template and undefined variables fail loudly (StrictUndefined), so a
typo in a template is a test failure, not a silently empty field. Pages send a strict Content
Security Policy: no inline script or style, nothing from other origins.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from credex import __version__
from credex.errors import CredexError
from credex.web.nav import nav_user

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
        "img-src 'self' data:; media-src 'self' blob:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def localized(language_map: Mapping[str, str] | None, *languages: str) -> str:
    """The text in the first available of `languages`, else in any language, else ""."""
    if not language_map:
        return ""
    for language in languages:
        if language and language in language_map:
            return language_map[language]
    return next(iter(language_map.values()))


def static_url(path: str) -> str:
    """A cache-busting URL for a file under /static (the version changes on every release)."""
    return f"/static/{path}?v={__version__}"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(("html", "xml"), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
# Every user-visible string goes through gettext (`_()`, `{% trans %}`); catalogues come later.
environment.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
environment.filters["localized"] = localized
environment.globals["static_url"] = static_url


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `name` with the variables every page (base.html) needs, plus `context`."""
    user = nav_user(request)
    values: dict[str, Any] = {
        "request": request,
        "lang": "en",
        "nav_user": user,
        "csrf_token": user.csrf_token if user else "",
        "title": "credex",
    }
    values.update(context)
    html = environment.get_template(name).render(values)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


class PageError(Exception):
    """An error to show as an HTML page (raised by page routes instead of a problem+json)."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


class LoginRequired(Exception):
    """The page needs a signed-in staff member: redirect to the sign-in page, then come back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageRoute(APIRoute):
    """Routes for pages: service errors become HTML error pages, not problem+json.

    The error is re-raised (not returned) so it still passes through the request's unit of work,
    which rolls the transaction back before the page is rendered.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except CredexError as exc:
                raise PageError(exc.status, exc.title, exc.detail) from exc
            except RequestValidationError as exc:
                if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
                    raise PageError(404, "Not found", "There is nothing at this address.") from exc
                raise PageError(400, "Bad request", "The form was incomplete.") from exc

        return page_handler


def error_page(request: Request, error: PageError) -> HTMLResponse:
    return render(
        request,
        "error.html",
        status_code=error.status,
        title=error.title,
        error=error,
    )


def attachment(data: bytes | str, media_type: str, filename: str) -> Response:
    """A download (`Content-Disposition: attachment`), never cached."""
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
