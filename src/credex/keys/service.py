"""Issuer key lifecycle: create, rotate, mark compromised, and answer "was this key valid then?".

Statuses: `active` (exactly one per issuer; signs new credentials), `retired` (replaced; old
signatures stay valid) and `compromised` (signatures made at or after `compromised_since` must
fail). No key is ever deleted: its public half must stay in the DID document.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.core.keys import KeyAlgorithm
from credex.db.base import utcnow
from credex.db.models import Issuer, IssuerKey
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.issuers import repository
from credex.issuers.public import issuer_id_from_did
from credex.keys.provisioning import ISSUER_KEY_ALGORITHMS, create_key
from credex.keys.signer import forget_key
from credex.settings import Settings

logger = logging.getLogger("credex.keys")

# Clients' clocks drift; a compromise time a little in the future is still plausible.
_CLOCK_SKEW = timedelta(minutes=5)
_KEY_NAME = re.compile(r"^key-([1-9][0-9]{0,8})$")


KEY_ROTATED = "key.rotated"
KEY_COMPROMISED = "key.compromised"


class KeyStatus(NamedTuple):
    status: str
    compromised_since: datetime | None


def _issuer_for(
    session: Session, principal: Principal, issuer_id: uuid.UUID, *, lock: bool = False
) -> Issuer:
    issuer = repository.find_visible_issuer(session, principal, issuer_id, for_update=lock)
    if issuer is None:
        raise NotFound("no issuer with this id")
    return issuer


def list_keys(session: Session, principal: Principal, issuer_id: uuid.UUID) -> Sequence[IssuerKey]:
    issuer = _issuer_for(session, principal, issuer_id)
    return repository.keys_of(session, issuer.id)


def _replace_active_key(
    session: Session,
    issuer: Issuer,
    settings: Settings,
    *,
    old_status: str,
    algorithm: KeyAlgorithm,
) -> IssuerKey:
    """Move the active key of `algorithm` to `old_status`; a new `key-<n+1>` replaces it."""
    now = utcnow()
    current = repository.active_key(session, issuer.id, algorithm)
    if current is not None:
        current.status = old_status
        current.retired_at = now
        session.flush()  # free the one-active-key slot before the new key takes it
    number = repository.highest_key_number(session, issuer.id) + 1
    return create_key(session, issuer.id, number, settings.resolve_key_encryption_key(), algorithm)


def rotate_keys(
    session: Session,
    principal: Principal,
    issuer_id: uuid.UUID,
    settings: Settings,
    algorithms: Sequence[KeyAlgorithm] = ISSUER_KEY_ALGORITHMS,
) -> list[IssuerKey]:
    """New active keys; the previous ones become `retired` and stay in the DID document."""
    issuer = _issuer_for(session, principal, issuer_id, lock=True)
    _refuse_did_key(issuer, "rotated")
    keys = []
    for algorithm in algorithms:
        key = _replace_active_key(
            session, issuer, settings, old_status="retired", algorithm=algorithm
        )
        logger.info(
            "signing key rotated",
            extra={"issuer_id": str(issuer.id), "key_id": str(key.id), "algorithm": algorithm},
        )
        keys.append(key)
    audit.record(
        session,
        action=KEY_ROTATED,
        actor=actor_label(principal),
        issuer_id=issuer.id,
        object_type="key",
        object_id=str(keys[0].id) if keys else None,
        details={"new_keys": [f"key-{key.number}" for key in keys]},
    )
    return keys


def _refuse_did_key(issuer: Issuer, what: str) -> None:
    if issuer.did_method == "key":
        raise Conflict(
            f"the keys of a did:key issuer cannot be {what}: a did:key is its public key, so a "
            "new key would be a new identifier and the credentials already issued name the old "
            "one; create a did:web issuer when keys must rotate",
            code="did-key-cannot-rotate",
        )


def parse_key_ref(key_ref: str) -> uuid.UUID | int | None:
    """A key is addressed by its UUID or by its name `key-<n>`."""
    match = _KEY_NAME.match(key_ref)
    if match:
        return int(match.group(1))
    try:
        return uuid.UUID(key_ref)
    except ValueError:
        return None


def _find_key(session: Session, issuer: Issuer, key_ref: str) -> IssuerKey:
    ref = parse_key_ref(key_ref)
    key = None
    if isinstance(ref, int):
        key = repository.key_by_number(session, issuer.id, ref)
    elif isinstance(ref, uuid.UUID):
        key = repository.key_by_id(session, issuer.id, ref)
    if key is None:
        raise NotFound("no key with this id for this issuer")
    return key


def compromise_key(
    session: Session,
    principal: Principal,
    issuer_id: uuid.UUID,
    key_ref: str,
    *,
    since: datetime,
    reason: str | None,
    settings: Settings,
) -> IssuerKey:
    """Mark a key compromised from `since`; an active key is first replaced by a new one.

    Reporting again can only move `since` earlier: moving it later would make signatures that
    were already declared untrustworthy valid again.
    """
    issuer = _issuer_for(session, principal, issuer_id, lock=True)
    key = _find_key(session, issuer, key_ref)
    since = since.astimezone(UTC)
    now = utcnow()
    if since > now + _CLOCK_SKEW:
        raise InvalidInput(
            "a compromise cannot start in the future",
            errors=[field_error("/since", "must not be later than now")],
        )
    if key.status == "active" and issuer.did_method != "key":
        _replace_active_key(
            session,
            issuer,
            settings,
            old_status="compromised",
            algorithm=_algorithm(key),
        )
    key.status = "compromised"
    if key.compromised_since is None or since < key.compromised_since:
        key.compromised_since = since
    key.compromised_reported_at = key.compromised_reported_at or now
    if reason:
        key.compromise_reason = reason
    session.flush()
    forget_key(key.id)
    audit.record(
        session,
        action=KEY_COMPROMISED,
        actor=actor_label(principal),
        issuer_id=issuer.id,
        object_type="key",
        object_id=str(key.id),
        reason=reason,
        details={"key": f"key-{key.number}", "since": key.compromised_since.isoformat()},
    )
    logger.warning(
        "signing key marked compromised",
        extra={
            "issuer_id": str(issuer.id),
            "key_id": str(key.id),
            "compromised_since": key.compromised_since.isoformat(),
        },
    )
    return key


def _algorithm(key: IssuerKey) -> KeyAlgorithm:
    if key.algorithm not in ISSUER_KEY_ALGORITHMS:
        raise ValueError(f"unexpected stored key algorithm {key.algorithm!r}")
    return "P-256" if key.algorithm == "P-256" else "Ed25519"


def key_status(session: Session, verification_method: str, settings: Settings) -> KeyStatus | None:
    """Status of one of this deployment's keys by verification method id, else None.

    The verifier fails a proof whose `created` is at or after `compromised_since`; proofs made
    earlier still verify (see `credex.issuers.public.did_document`).
    """
    did, _, fragment = verification_method.partition("#")
    if did.startswith("did:key:"):
        key = repository.key_by_controller(session, did)
        return KeyStatus(key.status, key.compromised_since) if key is not None else None
    issuer_id = issuer_id_from_did(did, settings.base_url)
    match = _KEY_NAME.match(fragment)
    if issuer_id is None or match is None:
        return None
    key = repository.key_by_number(session, issuer_id, int(match.group(1)))
    if key is None:
        return None
    return KeyStatus(key.status, key.compromised_since)
