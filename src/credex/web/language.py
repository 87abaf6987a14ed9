"""Switching the interface language: `GET /language/{code}?next=/path` remembers it in a cookie.

A plain link (no script, works with the keyboard and in every browser) that sets the
`credex_lang` cookie for a year and goes back to the page it came from. `next` must be a path on
this site, so the switch cannot be used to send people elsewhere.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from credex import i18n
from credex.web.templating import PageError, PageRoute

ONE_YEAR_SECONDS = 365 * 24 * 3600

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def local_path(target: str | None) -> str:
    """`target` when it is a path on this site ("/wallet?x=1"), else "/"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/language/{code}")
def switch_language(code: str, next: str | None = None) -> RedirectResponse:  # noqa: A002
    language = i18n.supported(code)
    if language is None or language != code:
        raise PageError(404, i18n.N_("Not found"), i18n.N_("There is nothing at this address."))
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        i18n.LANGUAGE_COOKIE,
        language,
        max_age=ONE_YEAR_SECONDS,
        httponly=True,
        samesite="lax",
        path="/",
    )
    return response
