"""Server-rendered pages: one Jinja2 environment, one `render` helper, HTML errors for page routes.

Autoescaping is on for every template and undefined variables fail loudly (StrictUndefined), so a
typo in a template is a test failure, not a silently empty field. Pages send a strict Content
Security Policy: no inline script or style, nothing from other origins.

Page text goes through gettext (`{% trans %}`, `_()`; catalogues in `credex/locale`, see
`credex.i18n`). The interface language is chosen per request (the `credex_lang` cookie set by
`/language`, else `Accept-Language`) and held in a context variable while a page renders, so
the one shared environment serves every language.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from credex import __version__, i18n
from credex.errors import CredexError
from credex.i18n import N_
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


# Context values that routers pass as English text; shown translated (see `page_messages`).
TRANSLATED_CONTEXT = ("title", "error", "done", "import_error")

_language: ContextVar[str] = ContextVar("credex_interface_language", default=i18n.DEFAULT_LANGUAGE)


def current_language() -> str:
    """The interface language of the page being rendered (English outside a page)."""
    return _language.get()


def request_language(request: Request) -> str:
    """The interface language for `request`: remembered choice, else the browser's, else English."""
    return i18n.choose(
        request.cookies.get(i18n.LANGUAGE_COOKIE), request.headers.get("accept-language")
    )


def _gettext(message: str) -> str:
    return i18n.gettext(_language.get(), message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return i18n.ngettext(_language.get(), singular, plural, count)


def _date_filter(value: date | datetime | None, form: str = "long") -> str:
    return i18n.format_day(value, _language.get(), form)


def _datetime_utc_filter(value: datetime) -> str:
    return i18n.format_moment_utc(value, _language.get())


def _time_utc_filter(value: datetime) -> str:
    return i18n.format_moment_utc(value, _language.get(), with_date=False)


def _number_filter(value: int | float | Decimal | str | None) -> str:
    return i18n.format_number(value, _language.get())


def _known(value: str | None) -> str:
    """English text from Python shown translated when the catalogue has it (no formatting)."""
    return i18n.gettext(_language.get(), value) if value else ""


def _language_name(tag: str) -> str:
    return i18n.language_display_name(tag, _language.get())


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(("html", "xml"), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
environment.policies["ext.i18n.trimmed"] = True
environment.install_gettext_callables(  # type: ignore[attr-defined]
    _gettext, _ngettext, newstyle=True
)
environment.filters["localized"] = localized
environment.filters["date"] = _date_filter
environment.filters["number"] = _number_filter
environment.filters["datetime_utc"] = _datetime_utc_filter
environment.filters["time_utc"] = _time_utc_filter
environment.filters["language_name"] = _language_name
environment.filters["known"] = _known
environment.globals["static_url"] = static_url
environment.globals["interface_languages"] = i18n.own_names()


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render `name` with the variables every page (base.html) needs, plus `context`.

    `lang` is the interface language (`<html lang>`); content in another language carries its
    own `lang` attribute in the template.
    """
    language = request_language(request)
    user = nav_user(request)
    values: dict[str, Any] = {
        "request": request,
        "nav_user": user,
        "csrf_token": user.csrf_token if user else "",
        "title": "credex",
    }
    values.update(context)
    for key in TRANSLATED_CONTEXT:
        value = values.get(key)
        if type(value) is str:  # English text from Python (listed in `page_messages`)
            values[key] = i18n.gettext(language, value)
    values["lang"] = language
    token = _language.set(language)
    try:
        html = environment.get_template(name).render(values)
    finally:
        _language.reset(token)
    headers = {**SECURITY_HEADERS, "Content-Language": language}
    return HTMLResponse(html, status_code=status_code, headers=headers)


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
                    raise PageError(
                        404, N_("Not found"), N_("There is nothing at this address.")
                    ) from exc
                raise PageError(400, N_("Bad request"), N_("The form was incomplete.")) from exc

        return page_handler


def error_page(request: Request, error: PageError) -> HTMLResponse:
    """The error as a page; titles and details marked with `N_` are shown translated."""
    language = request_language(request)
    title = i18n.gettext(language, error.title)
    shown = PageError(error.status, title, i18n.gettext(language, error.detail))
    return render(request, "error.html", status_code=error.status, title=title, error=shown)


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
