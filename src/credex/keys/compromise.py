"""Which stored credentials were signed with a key after its issuer reported it compromised.

The wallet states a credential's standing from the database, without re-verifying signatures
(`credex.verification.standing.standing_of_row`). A verifier fails a proof made at or after the
key's `revoked` time (CID 1.0 §2.2.2; see `credex.issuers.public.did_document`), so the stored
standing must know which key signed and when, or the wallet would say "Valid" where the page
and the verify API say it does not verify. The signing key and time are read from the stored
credential itself: the Data Integrity proof's `verificationMethod` and `created`, or the VC-JWT's
`kid` and `iat`/`nbf`, exactly as the verifier reads them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.core.datetimes import parse_datetime_stamp
from credex.core.jose import b64url_decode, parse_json_object, unverified_header
from credex.db.models import Credential, IssuerKey
from credex.issuers.public import key_name


def _proof_signatures(document: dict[str, Any]) -> Iterator[tuple[str, datetime | None]]:
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if not isinstance(proof, dict) or not isinstance(proof.get("verificationMethod"), str):
            continue
        created = proof.get("created")
        try:
            when = parse_datetime_stamp(created) if isinstance(created, str) else None
        except ValueError:
            when = None
        yield proof["verificationMethod"], when


def _jwt_signature(token: str) -> Iterator[tuple[str, datetime | None]]:
    try:
        header = unverified_header(token)
        payload = parse_json_object(b64url_decode(token.split(".")[1]), "the JWS payload")
    except ValueError:
        return
    signed_at = payload.get("iat") or payload.get("nbf")
    when = datetime.fromtimestamp(signed_at, UTC) if isinstance(signed_at, int) else None
    if isinstance(header.get("kid"), str):
        yield header["kid"], when


def signatures(credential: Credential) -> list[tuple[str, datetime | None]]:
    """(verification method, signing time) of each signature on a stored credential."""
    if credential.format == "jwt":
        return list(_jwt_signature(credential.content))
    try:
        document = json.loads(credential.content)
    except ValueError:
        return []
    return list(_proof_signatures(document)) if isinstance(document, dict) else []


def _is_key(key: IssuerKey, method: str) -> bool:
    if key.controller:
        return method in (key.controller, f"{key.controller}#{key.public_key_multibase}")
    return method.partition("#")[2] == key_name(key.number)


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def signed_while_compromised(session: Session, credentials: Sequence[Credential]) -> set[uuid.UUID]:
    """Ids of `credentials` with a signature made by one of their issuer's compromised keys at
    or after `compromised_since` (or at an unknown time): what the verifier refuses."""
    issuer_ids = {credential.issuer_id for credential in credentials}
    if not issuer_ids:
        return set()
    keys = session.scalars(
        select(IssuerKey).where(
            IssuerKey.issuer_id.in_(issuer_ids),
            IssuerKey.status == "compromised",
            IssuerKey.compromised_since.is_not(None),
        )
    ).all()
    if not keys:
        return set()
    found: set[uuid.UUID] = set()
    for credential in credentials:
        own = [key for key in keys if key.issuer_id == credential.issuer_id]
        for method, when in signatures(credential) if own else []:
            for key in own:
                since = key.compromised_since
                made_after = since is not None and (when is None or _as_utc(when) >= _as_utc(since))
                if made_after and _is_key(key, method):
                    found.add(credential.id)
    return found
