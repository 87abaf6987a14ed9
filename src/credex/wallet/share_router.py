"""Public `GET /share/{token}`: the credential behind a live share link, public page or not.

Browsers get the same human page as `/credentials/{id}`; machines the credential as issued. An
unknown, expired or revoked link is a plain 404, the same as a credential that does not exist.
The response is never cached and tells search engines and referrers nothing: the URL is the
secret.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from credex.deps import SessionDep
from credex.errors import NotFound
from credex.issuance.public_router import JWT_TEXT, VC_LD_JSON
from credex.wallet.published import published_content
from credex.wallet.sharing import SHARE_PATH, open_share_link
from credex.web.credential_page import render_credential_page
from credex.web.negotiation import prefers_html
from credex.web.templating import PageError

router = APIRouter(tags=["public"])
UNAVAILABLE = "This share link does not exist, has expired or was revoked."
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "Vary": "Accept",
}


@router.get(
    SHARE_PATH + "/{token}",
    summary="A credential shared by its learner with a secret link (JSON, JWT or HTML)",
    responses={200: {"content": {VC_LD_JSON: {}, JWT_TEXT: {}, "text/html": {}}}},
)
def shared_credential(
    token: str,
    request: Request,
    session: SessionDep,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    opened = open_share_link(session, token)
    wants_html = prefers_html(accept or "")
    if opened is None:
        if wants_html:
            raise PageError(404, "Link not available", UNAVAILABLE)
        raise NotFound(UNAVAILABLE)
    credential, link = opened
    if wants_html:
        page = render_credential_page(request, credential, session, show_name=link.show_name)
        page.headers.update(PRIVATE_HEADERS)
        return page
    media_type = JWT_TEXT if credential.format == "jwt" else VC_LD_JSON
    content = published_content(credential).encode()
    return Response(content, media_type=media_type, headers=PRIVATE_HEADERS)
