"""IETF Token Status Lists: each credential's entry and the signed `statuslist+jwt`.

A token list is a `status_lists` row with purpose `token-status`; a credential's entry is
`(token_list_id, token_index)`, drawn at issuance beside its Bitstring entry. Entry values
come from the credential's one status: `active` → VALID, `revoked` → INVALID, `suspended` →
SUSPENDED (draft-ietf-oauth-status-list-20 §7.1), 2 bits each. The token is served at
`/token-status-lists/{id}` (= its `sub`), re-signed when a status changed, the issuer's key
changed or it comes within `ttl` of its `exp`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credex.core.jose import b64url_decode, parse_json_object, sign_compact
from credex.core.jwt_sign import numeric_date
from credex.core.keys import Signer
from credex.core.token_status import (
    INVALID,
    STATUS_LIST_JWT_TYPE,
    SUSPENDED,
    TokenStatusList,
    status_claim,
    status_list_token_payload,
)
from credex.db.base import utcnow
from credex.db.models import Credential, StatusList
from credex.errors import Conflict
from credex.status_lists import allocation, repository
from credex.status_lists.repository import IETF_STATUS_LIST

BITS = 2
TTL_SECONDS = 300
"""How long relying parties may cache a token (`ttl`, and the HTTP max-age that matches it)."""
LIFETIME = timedelta(days=1)
"""`exp` - `iat`: a cached token is re-signed once less than `TTL_SECONDS` of it remain."""

VALUES = {"revoked": INVALID, "suspended": SUSPENDED}


def token_list_url(list_id: uuid.UUID, base_url: str) -> str:
    return f"{base_url}/token-status-lists/{list_id}"


def status_of(session: Session, credential: Credential, base_url: str) -> dict[str, object]:
    """The SD-JWT VC `status` claim of a credential; an entry is drawn for credentials issued
    before token lists existed (in a savepoint: a lost race draws again)."""
    if credential.token_list_id is None or credential.token_index is None:
        _allocate_entry(session, credential)
    assert credential.token_list_id is not None
    assert credential.token_index is not None
    return status_claim(credential.token_index, token_list_url(credential.token_list_id, base_url))


def _allocate_entry(session: Session, credential: Credential) -> None:
    lost: set[int] = set()
    for _ in range(5):
        token_list, index = allocation.allocate(
            session, credential.issuer_id, lost, purpose=IETF_STATUS_LIST
        )
        try:
            with session.begin_nested():
                credential.token_list_id = token_list.id
                credential.token_index = index
                session.flush()
        except IntegrityError:
            lost.add(index)
            continue
        allocation.maybe_roll_over(session, token_list)
        return
    raise Conflict("no free token status list index could be reserved; retry")


def status_list_jwt(
    session: Session, status_list: StatusList, signer: Signer, *, kid: str, iss: str, uri: str
) -> str:
    """The signed Status List Token (§5.1) of a token list as it is now."""
    entries = TokenStatusList(status_list.capacity, BITS)
    for index, status in repository.token_statuses(session, status_list.id):
        entries.set(index, VALUES.get(status, INVALID))
    now = utcnow()
    payload = status_list_token_payload(
        entries,
        uri=uri,
        issuer=iss,
        issued_at=now,
        expires_at=now + LIFETIME,
        ttl_seconds=TTL_SECONDS,
    )
    return sign_compact({"typ": STATUS_LIST_JWT_TYPE, "kid": kid}, payload, signer)


def fresh_enough(token: str) -> bool:
    """A cached token still has more than `ttl` before its `exp`."""
    payload = parse_json_object(b64url_decode(token.split(".")[1]), "the cached token")
    expires = payload.get("exp")
    return isinstance(expires, int) and expires - TTL_SECONDS > numeric_date(utcnow())
