"""Who may see a credential: its public page (learner's choice), share links, LinkedIn.

The public page is off until the learner (or the issuer, at issuance) turns it on. A share link
opens the page of one credential while it is private: the URL carries 192 random bits, only a
hash is stored, it can expire and can be revoked, and each opening is counted so the learner
sees whether it was used. The LinkedIn link only pre-fills LinkedIn's "add certification" form;
nothing is sent to LinkedIn by this service.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.db.base import utcnow
from credex.db.models import Credential, ShareLink
from credex.errors import NotFound
from credex.issuance.document import credential_url
from credex.wallet import repository
from credex.wallet.repository import WalletEntry
from credex.wallet.schemas import ShareLinkCreate
from credex.web.templating import localized

SHARE_PATH = "/share"
LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"


def hash_share_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def share_url(base_url: str, token: str) -> str:
    return f"{base_url}{SHARE_PATH}/{token}"


def is_active(link: ShareLink, now: datetime) -> bool:
    return link.revoked_at is None and (link.expires_at is None or link.expires_at > now)


def _own_credential(
    session: Session, principal: Principal, credential_id: uuid.UUID, *, for_update: bool = False
) -> Credential:
    credential = repository.find_credential(
        session, principal, credential_id, for_update=for_update
    )
    if credential is None:
        raise NotFound(f"no credential {credential_id} in this wallet")
    return credential


def set_public(
    session: Session,
    principal: Principal,
    credential_id: uuid.UUID,
    public: bool,
    show_name: bool | None = None,
) -> Credential:
    """Turn the public page on or off, and the learner's name on it (None: unchanged);
    the issuer's audit log records a change of visibility."""
    credential = _own_credential(session, principal, credential_id, for_update=True)
    if show_name is not None:
        credential.show_name = show_name
    if credential.public != public:
        credential.public = public
        audit.record(
            session,
            action=audit.VISIBILITY_CHANGED,
            actor=actor_label(principal),
            issuer_id=credential.issuer_id,
            credential_id=credential.id,
            details={"public": public, "by": "learner"},
        )
    return credential


def create_share_link(
    session: Session, principal: Principal, credential_id: uuid.UUID, data: ShareLinkCreate
) -> tuple[ShareLink, str]:
    """The new link and its secret token (returned once)."""
    credential = _own_credential(session, principal, credential_id)
    token = secrets.token_urlsafe(24)
    now = utcnow()
    link = ShareLink(
        id=uuid.uuid4(),
        credential_id=credential.id,
        token_hash=hash_share_token(token),
        prefix=token[:8],
        label=data.label or None,
        created_at=now,
        expires_at=now + timedelta(days=data.expires_in_days) if data.expires_in_days else None,
        open_count=0,
        show_name=data.show_name,
    )
    session.add(link)
    session.flush()
    return link, token


def list_share_links(
    session: Session, principal: Principal, credential_id: uuid.UUID
) -> Sequence[ShareLink]:
    _own_credential(session, principal, credential_id)
    stmt = (
        repository.share_links_of_person(principal)
        .where(ShareLink.credential_id == credential_id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    )
    return session.scalars(stmt).all()


def revoke_share_link(
    session: Session, principal: Principal, credential_id: uuid.UUID, link_id: uuid.UUID
) -> ShareLink:
    link = session.scalar(
        repository.share_links_of_person(principal).where(
            ShareLink.id == link_id, ShareLink.credential_id == credential_id
        )
    )
    if link is None:
        raise NotFound(f"no share link {link_id} for credential {credential_id}")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
    return link


def open_share_link(session: Session, token: str) -> tuple[Credential, ShareLink] | None:
    """The credential a live share link points at, and the link (counting the visit)."""
    if not token or len(token) > 100:
        return None
    now = utcnow()
    row = session.execute(
        select(ShareLink, Credential)
        .join(Credential, Credential.id == ShareLink.credential_id)
        .where(ShareLink.token_hash == hash_share_token(token))
    ).first()
    if row is None or not is_active(row[0], now):
        return None
    link, credential = row
    link.open_count = ShareLink.open_count + 1  # in SQL: concurrent openings all count
    link.last_opened_at = now
    return credential, link


def linkedin_add_url(entry: WalletEntry, base_url: str) -> str:
    """LinkedIn's documented "Add to profile" URL for a certification, pre-filled."""
    credential = entry.credential
    params: dict[str, str | int] = {
        "startTask": "CERTIFICATION_NAME",
        "name": localized(entry.achievement.name, entry.achievement.language),
        "organizationName": entry.issuer.name,
        "issueYear": credential.valid_from.year,
        "issueMonth": credential.valid_from.month,
    }
    if credential.valid_until is not None:
        params["expirationYear"] = credential.valid_until.year
        params["expirationMonth"] = credential.valid_until.month
    params["certUrl"] = credential_url(credential.id, base_url)
    params["certId"] = str(credential.id)
    return f"{LINKEDIN_ADD_URL}?{urlencode(params)}"


def revoke_all_share_links(session: Session, principal: Principal, credential_id: uuid.UUID) -> int:
    """Revoke every live link of one credential; returns how many were live."""
    now = utcnow()
    revoked = 0
    for link in list_share_links(session, principal, credential_id):
        if link.revoked_at is None:
            link.revoked_at = now
            revoked += 1
    return revoked
