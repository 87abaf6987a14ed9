"""Create, authenticate, list and revoke API tokens.

Tokens are `cx_` + 43 url-safe characters (256 random bits). Only SHA-256 hashes are stored, so a
database leak does not leak usable tokens; a constant-time lookup by hash avoids timing oracles.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.audit.actors import actor_label
from credex.auth.principal import Principal, Role
from credex.db.base import utcnow
from credex.db.models import ApiToken
from credex.db.session import is_read_only
from credex.errors import InvalidInput, NotFound, Unauthorized, field_error

TOKEN_PREFIX = "cx_"  # noqa: S105 - a public prefix, not a secret


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: the secret is only ever available here."""

    token: str
    row: ApiToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    *,
    role: Role,
    name: str,
    issuer_id: uuid.UUID | None = None,
    learner_email: str | None = None,
    expires_at: datetime | None = None,
    actor: str | None = None,
) -> IssuedToken:
    """A new token; `actor` (who made it) puts it in the audit log. Learner tokens made by
    signing in are not recorded: they are sessions, not configuration."""
    if role == "issuer" and issuer_id is None:
        raise InvalidInput(
            "an issuer token needs an issuer", errors=[field_error("/issuer_id", "required")]
        )
    if role == "learner" and not learner_email:
        raise InvalidInput(
            "a learner token needs an email", errors=[field_error("/email", "required")]
        )
    if not name.strip():
        raise InvalidInput(
            "a token needs a name", errors=[field_error("/name", "must not be empty")]
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name.strip(),
        role=role,
        token_hash=hash_token(token),
        prefix=token[:10],
        issuer_id=issuer_id if role == "issuer" else None,
        learner_email=learner_email if role == "learner" else None,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    if actor is not None:
        _record(session, TOKEN_CREATED, actor, row)
    return IssuedToken(token=token, row=row)


TOKEN_CREATED = "token.created"  # noqa: S105 - an audit action name
TOKEN_REVOKED = "token.revoked"  # noqa: S105 - an audit action name


def _record(session: Session, action: str, actor: str, row: ApiToken) -> None:
    from credex.audit import service as audit  # audit reads credentials, which need auth

    audit.record(
        session,
        action=action,
        actor=actor,
        issuer_id=row.issuer_id,
        object_type="token",
        object_id=str(row.id),
        details={"name": row.name, "role": row.role, "prefix": row.prefix},
    )


def authenticate(session: Session, token: str, *, touch_after: timedelta) -> Principal:
    """Resolve a bearer token to a principal, or raise Unauthorized (never saying why)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise Unauthorized("invalid or expired token")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or (row.expires_at and row.expires_at <= now):
        raise Unauthorized("invalid or expired token")
    # Record use, but at most once per interval: a write on every request would serialize them.
    # Read-only units of work (verification) do not record it.
    due = row.last_used_at is None or now - row.last_used_at >= touch_after
    if due and not is_read_only(session):
        row.last_used_at = now
    return principal_for(row)


def principal_for(row: ApiToken) -> Principal:
    return Principal(
        token_id=row.id,
        role=row.role,  # type: ignore[arg-type]
        name=row.name,
        issuer_id=row.issuer_id,
        learner_email=row.learner_email,
    )


def revoke_token(
    session: Session, token_id: uuid.UUID, *, caller: Principal, actor: str | None = None
) -> ApiToken:
    """Revoke a token: admins any, others only their own (others' tokens are invisible: 404)."""
    row = session.get(ApiToken, token_id)
    if row is None or not (caller.is_admin or row.id == caller.token_id):
        raise NotFound("no such token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        if row.role != "learner":
            _record(session, TOKEN_REVOKED, actor or actor_label(caller), row)
    return row
