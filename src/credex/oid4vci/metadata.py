"""Credential Issuer Metadata (OID4VCI 1.0 §12.2) and Authorization Server Metadata (RFC 8414).

Served at `/.well-known/openid-credential-issuer/issuers/<id>` (the well-known segment goes
between host and path, §12.2.2) and `/.well-known/oauth-authorization-server`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.db.models import Achievement, Issuer
from credex.oauth.grants import PRE_AUTHORIZED_GRANT
from credex.oid4vci import configurations
from credex.oid4vci.configurations import credential_issuer_id

OID4VCI_PREFIX = "/oid4vci"
OAUTH_PREFIX = "/oauth"


def endpoint(base_url: str, name: str) -> str:
    return f"{base_url}{OID4VCI_PREFIX}/{name}"


def authorization_server_metadata(base_url: str) -> dict[str, Any]:
    return {
        "issuer": base_url,
        "token_endpoint": f"{base_url}{OAUTH_PREFIX}/token",
        "authorization_endpoint": f"{base_url}{OAUTH_PREFIX}/authorize",
        "pushed_authorization_request_endpoint": f"{base_url}{OAUTH_PREFIX}/par",
        "require_pushed_authorization_requests": True,
        "grant_types_supported": ["authorization_code", PRE_AUTHORIZED_GRANT],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "authorization_details_types_supported": ["openid_credential"],
        "authorization_response_iss_parameter_supported": True,
        "pre-authorized_grant_anonymous_access_supported": True,
    }


def issued_achievements(
    session: Session, issuer_id: uuid.UUID | None
) -> list[tuple[Achievement, Issuer]]:
    """Published and retired ones (a retired achievement's credentials are still delivered), of
    one issuer or, for the service-wide issuer, of all."""
    stmt = (
        select(Achievement, Issuer)
        .join(Issuer, Issuer.id == Achievement.issuer_id)
        .where(Achievement.status != "draft")
        .order_by(Achievement.created_at)
    )
    if issuer_id is not None:
        stmt = stmt.where(Achievement.issuer_id == issuer_id)
    return [(row[0], row[1]) for row in session.execute(stmt)]


def _metadata(
    session: Session,
    identifier: str,
    display: dict[str, Any],
    issuer_id: uuid.UUID | None,
    base_url: str,
) -> dict[str, Any]:
    supported: dict[str, Any] = {}
    for achievement, issuer in issued_achievements(session, issuer_id):
        for form in configurations.forms():
            key = configurations.configuration_id(achievement.id, form.name)
            supported[key] = configurations.configuration(achievement, issuer, form)
    return {
        "credential_issuer": identifier,
        "authorization_servers": [base_url],
        "credential_endpoint": endpoint(base_url, "credential"),
        "nonce_endpoint": endpoint(base_url, "nonce"),
        "notification_endpoint": endpoint(base_url, "notification"),
        "display": [display],
        "credential_configurations_supported": supported,
    }


def credential_issuer_metadata(session: Session, issuer: Issuer, base_url: str) -> dict[str, Any]:
    """One issuer's Credential Issuer (identifier `<base>/issuers/<id>`): its own display."""
    display: dict[str, Any] = {"name": issuer.name, "locale": "en"}
    if issuer.image and issuer.image.startswith("https://"):
        display["logo"] = {"uri": issuer.image, "alt_text": issuer.name}
    identifier = credential_issuer_id(issuer.id, base_url)
    return _metadata(session, identifier, display, issuer.id, base_url)


def service_issuer_metadata(session: Session, base_url: str) -> dict[str, Any]:
    """The service-wide Credential Issuer (identifier `<base>`, metadata at the bare
    `/.well-known/openid-credential-issuer`): every issuer's configurations, for wallets that
    start from the service rather than from an offer or one issuer."""
    return _metadata(session, base_url, {"name": "credex", "locale": "en"}, None, base_url)
