"""The signed BitstringStatusListCredential of a list, re-signed only when something changed.

The list's bits are derived from its revoked credentials. The signed credential is cached on the
list row with the `version` it reflects and the key that signed it; a GET re-signs (lazily) when
a status change bumped the version or the issuer rotated its key. Reading the version BEFORE the
revoked indexes means a cached signature always covers at least what its version promises.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from credex.caching import ExpiringLRU
from credex.core import sign_credential
from credex.core.status_list import StatusBits, build_status_list_credential
from credex.credential_forms.issuer_keys import issuer_identifier, jose_signer
from credex.db.base import utcnow
from credex.db.epoch import epoch_cached
from credex.db.models import StatusList
from credex.db.session import is_read_only
from credex.errors import NotFound
from credex.keys.signer import IssuerKeySigner, signer_for_issuer
from credex.settings import Settings
from credex.status_lists import repository, token_list
from credex.status_lists.repository import IETF_STATUS_LIST

TTL_SECONDS = 300
"""How long verifiers may cache a list (BSL `ttl`, and the HTTP max-age that matches it)."""


@dataclass(frozen=True)
class SignedStatusList:
    text: str  # the signed credential exactly as served
    etag: str


def status_list_url(list_id: uuid.UUID, base_url: str) -> str:
    return f"{base_url}/status-lists/{list_id}"


# (list id, version, key id) → the list signed for them, in this process. A read-only unit of
# work (verification) must not store a re-signed list, so without this it would sign the same
# stale list on every request until a GET of the list stored it.
_recently_signed: ExpiringLRU[tuple[uuid.UUID, int, uuid.UUID], SignedStatusList] = ExpiringLRU(
    max_entries=256
)


def signed_status_list(
    session: Session, list_id: uuid.UUID, settings: Settings
) -> SignedStatusList:
    """The signed BitstringStatusListCredential of a Bitstring list (404 for token lists)."""
    status_list = repository.list_by_id(session, list_id)
    if status_list is None or status_list.purpose == IETF_STATUS_LIST:
        raise NotFound(f"no status list {list_id}")
    signer = signer_for_issuer(session, status_list.issuer_id, settings)
    return _signed(
        session, status_list, signer, lambda: _sign(session, status_list, signer, settings)
    )


def signed_token_list(session: Session, list_id: uuid.UUID, settings: Settings) -> SignedStatusList:
    """The signed Status List Token (`statuslist+jwt`) of an IETF token list."""
    status_list = repository.list_by_id(session, list_id)
    if status_list is None or status_list.purpose != IETF_STATUS_LIST:
        raise NotFound(f"no token status list {list_id}")
    signer = jose_signer(session, status_list.issuer_id, settings)

    def sign() -> SignedStatusList:
        token = token_list.status_list_jwt(
            session,
            status_list,
            signer,
            kid=signer.verification_method,
            iss=issuer_identifier(status_list.issuer_id, settings.base_url),
            uri=token_list.token_list_url(status_list.id, settings.base_url),
        )
        return SignedStatusList(token, _etag(token))

    return _signed(session, status_list, signer, sign, reusable=token_list.fresh_enough)


def _signed(
    session: Session,
    status_list: StatusList,
    signer: IssuerKeySigner,
    sign: Callable[[], SignedStatusList],
    *,
    reusable: Callable[[str], bool] = lambda _text: True,
) -> SignedStatusList:
    """The list's cached signature if it reflects the list's version and key (and `reusable`
    accepts it), else `sign()`, stored on the row unless the unit of work is read-only."""
    if (
        status_list.signed_text is not None
        and status_list.signed_etag is not None
        and status_list.signed_version == status_list.version
        and status_list.signed_key_id == signer.key_id
        and reusable(status_list.signed_text)
    ):
        return SignedStatusList(status_list.signed_text, status_list.signed_etag)
    version = status_list.version
    memo = (status_list.id, version, signer.key_id)
    signed = _recently_signed.get(memo)
    if signed is None or not reusable(signed.text):
        signed = sign()
        _recently_signed.put(memo, signed)
    if is_read_only(session):  # a verification: serve it; the next GET of the list stores it
        return signed
    status_list.signed_text = signed.text
    status_list.signed_etag = signed.etag
    status_list.signed_version = version
    status_list.signed_key_id = signer.key_id
    return signed


def _sign(
    session: Session, status_list: StatusList, signer: IssuerKeySigner, settings: Settings
) -> SignedStatusList:
    bits = StatusBits(status_list.capacity, status_list.status_size)
    for index in repository.revoked_indexes(session, status_list.id):
        bits.set(index, 1)
    for index, status in repository.entry_statuses(session, status_list.id):
        bits.set(index, status)
    unsigned = build_status_list_credential(
        list_id=status_list_url(status_list.id, settings.base_url),
        issuer=signer.controller,  # the issuer's did:web, or its did:key
        purpose=status_list.purpose,
        bits=bits,
        valid_from=utcnow(),
        ttl_ms=TTL_SECONDS * 1000,
    )
    text = json.dumps(sign_credential(unsigned, signer), ensure_ascii=False, separators=(",", ":"))
    return SignedStatusList(text, _etag(text))


def _etag(text: str) -> str:
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def status_list_credential(
    session: Session, list_id: uuid.UUID, settings: Settings
) -> tuple[dict[str, Any], str]:
    """The signed list credential (parsed) and its ETag; for the verifier and other modules.

    Kept per process for the list's `version` (one small query per call: a revocation bumps
    it, so it is seen at once) and the change epoch (a new or compromised key clears it).
    The document is shared: callers must not modify it."""
    version = repository.list_version(session, list_id)
    if version is None:
        raise NotFound(f"no status list {list_id}")

    def load() -> tuple[dict[str, Any], str]:
        signed = signed_status_list(session, list_id, settings)
        document: dict[str, Any] = json.loads(signed.text)
        return document, signed.etag

    return epoch_cached(session, "status-lists", (list_id, version, settings.base_url), load)
