"""Reading what a wallet asks for: `authorization_details` (RFC 9396, OID4VCI 1.0 §5.1.1) or
`scope`, checked against the credential configurations that exist (`credex.oid4vci`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.db.models import Achievement
from credex.oauth.errors import OAuthError
from credex.oid4vci.configurations import parse_configuration_id


def requested_ids(
    authorization_details: str | None, scope: str | None, *, error: str = "invalid_request"
) -> list[str] | None:
    """The configuration ids asked for, or None when neither parameter was sent."""
    if authorization_details:
        try:
            details = json.loads(authorization_details)
        except ValueError as exc:
            raise OAuthError(error, "authorization_details is not JSON") from exc
        if not isinstance(details, list) or not details:
            raise OAuthError(error, "authorization_details must be a non-empty array")
        ids = []
        for entry in details:
            if not isinstance(entry, dict) or entry.get("type") != "openid_credential":
                raise OAuthError(error, "authorization_details entries are openid_credential")
            value = entry.get("credential_configuration_id")
            if not isinstance(value, str):
                raise OAuthError(error, "each entry needs a credential_configuration_id")
            ids.append(value)
        return ids
    if scope:
        return scope.split()
    return None


def issuer_of(session: Session, ids: Sequence[str]) -> uuid.UUID:
    """The one issuer whose (issued) achievements all these configuration ids name."""
    achievement_ids = set()
    for value in ids:
        parsed = parse_configuration_id(value)
        if parsed is None:
            raise OAuthError("invalid_request", f"unknown credential configuration {value!r}")
        achievement_ids.add(parsed[0])
    rows = session.execute(
        select(Achievement.id, Achievement.issuer_id).where(
            Achievement.id.in_(achievement_ids), Achievement.status != "draft"
        )
    ).all()
    issuers = {row.issuer_id for row in rows}
    if len(rows) != len(achievement_ids) or len(issuers) != 1:
        raise OAuthError("invalid_request", "unknown credential configuration, or of two issuers")
    issuer_id: uuid.UUID = issuers.pop()
    return issuer_id
