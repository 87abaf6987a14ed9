"""Public `GET /credentials/{id}`: the credential as issued, only when it was made public.

JSON for machines (`application/vc+ld+json` for Data Integrity credentials, `text/plain` for a
VC-JWT, as OB 3.0 §"Document Format" recommends for web resources); browsers asking for HTML get
the human page from `credex.web.credential_page.render_credential_page`.
Private or unknown credentials are 404 alike: problem+json for machines, and for browsers (the
address is printed on the PDF certificate) a page saying the credential is private or unknown,
with a form to verify the file the learner gave instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response

from credex.deps import SessionDep
from credex.errors import CredexError, NotFound
from credex.issuance.service import public_credential
from credex.wallet.published import published_content
from credex.web.credential_page import private_credential_page, render_credential_page
from credex.web.negotiation import VARY_ACCEPT, prefers_html

VC_LD_JSON = "application/vc+ld+json"
JWT_TEXT = "text/plain"
CACHE_CONTROL = "public, max-age=60"  # short: the issuer may make it private again

router = APIRouter(tags=["public"])


class NotAcceptable(CredexError):
    status = 406
    slug = "not-acceptable"
    title = "Not acceptable"


@router.get(
    "/credentials/{credential_id}",
    summary="A public credential as issued (JSON or JWT; HTML page for browsers)",
    responses={200: {"content": {VC_LD_JSON: {}, JWT_TEXT: {}, "text/html": {}}}},
)
def public_credential_document(
    credential_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    credential = public_credential(session, credential_id)
    if credential is None:
        if prefers_html(accept or ""):
            return private_credential_page(request)
        raise NotFound(f"no public credential {credential_id}")
    if prefers_html(accept or ""):
        render = _page_renderer()
        if render is None:
            raise NotAcceptable("the HTML page is not available yet; ask for JSON")
        page = render(request, credential, show_name=credential.show_name)
        page.headers.update(VARY_ACCEPT)  # the same address also serves the JSON
        return page
    media_type = JWT_TEXT if credential.format == "jwt" else VC_LD_JSON
    return Response(
        published_content(credential).encode(),
        media_type=media_type,
        headers={"Cache-Control": CACHE_CONTROL, "Vary": "Accept"},
    )


def _page_renderer() -> Callable[..., Any]:
    return render_credential_page
