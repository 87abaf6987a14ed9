"""Which issuer a request acts for: an issuer token's own, or the one an admin names."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.errors import Forbidden, InvalidInput, NotFound, field_error
from credex.issuers.repository import find_visible_issuer


def acting_issuer_id(
    session: Session, principal: Principal, requested: uuid.UUID | None
) -> uuid.UUID:
    """Admins must name an existing issuer (`issuer_id`); issuer tokens may only name their own.

    A different issuer's id is refused with 403 whether or not it exists, so the answer never
    confirms another tenant.
    """
    if principal.is_admin:
        if requested is None:
            raise InvalidInput(
                "an admin must say which issuer this is for",
                errors=[field_error("/issuer_id", "required for admin tokens")],
            )
        if find_visible_issuer(session, principal, requested) is None:
            raise NotFound(f"no issuer {requested}")
        return requested
    if principal.role != "issuer" or principal.issuer_id is None:
        raise Forbidden("this action needs an issuer token")
    if requested not in (None, principal.issuer_id):
        raise Forbidden("an issuer token acts for its own issuer only")
    return principal.issuer_id
