"""VC-API status (Bitstring Status List v1.0): `options.credentialStatus` on
`POST /credentials/issue`, and `POST /credentials/status` to set what an entry says.

Entries come from credex's own status lists (random free index, one open list per issuer,
purpose and `statusSize`), kept apart from the lists of credex-issued credentials; the signed
list at `/status-lists/{id}` reflects every status set here. Purposes: `revocation` (final),
`suspension` (reversible) and `message` (with `statusSize` > 1 and `statusMessage`, BSL §2.1);
`statusReference` is passed through. An Open Badges 3.0 credential keeps a single entry.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from credex.core.errors import CoreError
from credex.core.status_list import build_status_entry
from credex.db.models import StatusEntry
from credex.errors import Conflict, CredexError, InvalidInput, NotFound, field_error
from credex.settings import Settings
from credex.status_lists import allocation, repository
from credex.status_lists.service import status_list_url

ENTRY_TYPE = "BitstringStatusListEntry"
PURPOSES = ("revocation", "suspension", "message")
MAX_STATUS_SIZE = 8
MAX_ATTEMPTS = 5


class StatusRequestError(CredexError):
    """400: `options.credentialStatus` or a status update is not shaped as the spec says."""


def _bad(pointer: str, detail: str) -> StatusRequestError:
    return StatusRequestError(detail, errors=[field_error(pointer, detail)])


def read_status_options(value: Any, pointer: str = "/options/credentialStatus") -> list[Any]:
    """The requested entries: one object or a list of them, each a BitstringStatusListEntry
    with a purpose credex allocates for."""
    requests = value if isinstance(value, list) else [value]
    if not requests:
        raise _bad(pointer, "name at least one status entry")
    for position, request in enumerate(requests):
        where = f"{pointer}/{position}" if isinstance(value, list) else pointer
        if not isinstance(request, dict) or request.get("type") != ENTRY_TYPE:
            raise _bad(where, f"each entry must be an object of type {ENTRY_TYPE}")
        if request.get("statusPurpose") not in PURPOSES:
            raise _bad(f"{where}/statusPurpose", f"statusPurpose must be one of {PURPOSES}")
        size = request.get("statusSize", 1)
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_STATUS_SIZE:
            raise _bad(f"{where}/statusSize", f"statusSize must be 1 to {MAX_STATUS_SIZE}")
        if size > 1 and request["statusPurpose"] != "message":
            raise _bad(f"{where}/statusSize", "only the message purpose takes statusSize > 1")
        reference = request.get("statusReference")
        references = reference if isinstance(reference, list) else [reference]
        if reference is not None and not all(_is_http_url(ref) for ref in references):
            raise _bad(f"{where}/statusReference", "statusReference must be a URL or URLs")
    return requests


def _is_http_url(value: Any) -> bool:
    return isinstance(value, str) and urlsplit(value).scheme in ("http", "https", "urn", "did")


def allocate_entries(
    session: Session,
    issuer_id: uuid.UUID,
    credential_id: str,
    requests: list[Any],
    settings: Settings,
) -> list[dict[str, Any]]:
    """One BitstringStatusListEntry per request, each at a random free index, recorded."""
    entries = []
    for request in requests:
        purpose, size = request["statusPurpose"], request.get("statusSize", 1)
        lost: set[int] = set()
        for _ in range(MAX_ATTEMPTS):
            status_list, index = allocation.allocate(
                session,
                issuer_id,
                lost,
                purpose=purpose,
                status_size=size,
                holder=repository.VC_API_ENTRIES,
            )
            row = repository.insert_entry(
                session,
                {
                    "issuer_id": issuer_id,
                    "credential_id": credential_id,
                    "status_list_id": status_list.id,
                    "status_index": index,
                    "purpose": purpose,
                    "status": 0,
                },
            )
            if row is not None:
                break
            lost.add(index)
        else:
            raise Conflict("no free status list index could be reserved; retry the request")
        entries.append(_entry(request, status_list_url(status_list.id, settings.base_url), index))
    return entries


def _entry(request: dict[str, Any], list_url: str, index: int) -> dict[str, Any]:
    try:
        entry = build_status_entry(
            list_credential_url=list_url,
            index=index,
            purpose=request["statusPurpose"],
            status_size=request.get("statusSize", 1),
            status_messages=request.get("statusMessage"),
        )
    except CoreError as exc:
        raise InvalidInput(
            f"the status entry is invalid: {exc.detail}",
            errors=[field_error("/options/credentialStatus", exc.detail)],
        ) from exc
    reference = request.get("statusReference")
    if reference is not None:
        entry["statusReference"] = reference
    return entry


def update_status(
    session: Session, issuer_id: uuid.UUID, body: dict[str, Any], settings: Settings
) -> dict[str, Any]:
    """VC-API "update status": set the status of the credential's entries by purpose."""
    credential_id = body.get("credentialId")
    if not isinstance(credential_id, str) or not credential_id:
        raise _bad("/credentialId", "credentialId must be the credential's id")
    changes = read_updates(body.get("credentialStatus"))
    entries = repository.entries_of(session, issuer_id, credential_id)
    if not entries:
        raise NotFound(f"this issuer allocated no status entry for {credential_id}")
    for purpose, value in changes:
        matching = [entry for entry in entries if entry.purpose == purpose]
        if not matching:
            raise NotFound(f"the credential has no {purpose} entry")
        for entry in matching:
            _set(session, entry, value)
    return {
        "credentialId": credential_id,
        "credentialStatus": [_described(entry, settings) for entry in entries],
    }


def read_updates(value: Any) -> list[tuple[str, int]]:
    """(purpose, status) pairs from `credentialStatus` (an object or a list): `status` is a
    number, a hex string such as "0x1", or true/false."""
    items = value if isinstance(value, list) else [value]
    found = []
    for position, item in enumerate(items):
        where = f"/credentialStatus/{position}" if isinstance(value, list) else "/credentialStatus"
        if not isinstance(item, dict) or item.get("statusPurpose") not in PURPOSES:
            raise _bad(where, f"each update needs a statusPurpose, one of {PURPOSES}")
        found.append((item["statusPurpose"], _status_value(item.get("status"), where)))
    if not found:
        raise _bad("/credentialStatus", "name at least one status to set")
    return found


def _status_value(value: Any, where: str) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str):
        try:
            number = int(value, 16) if value.lower().startswith("0x") else int(value)
        except ValueError:
            number = -1
        if number >= 0:
            return number
    raise _bad(f"{where}/status", "status must be a number >= 0, a hex string or a boolean")


def _set(session: Session, entry: StatusEntry, value: int) -> None:
    size = repository.list_by_id(session, entry.status_list_id)
    bits = size.status_size if size is not None else 1
    if value >= 1 << bits:
        raise InvalidInput(
            f"status {value} does not fit the entry's {bits} bit(s)",
            errors=[field_error("/credentialStatus", "status out of range")],
        )
    if entry.purpose == "revocation" and entry.status and not value:
        raise Conflict("revocation is final: a revoked credential cannot be reinstated")
    if entry.status != value:
        entry.status = value
        repository.mark_changed(session, entry.status_list_id)


def _described(entry: StatusEntry, settings: Settings) -> dict[str, Any]:
    list_url = status_list_url(entry.status_list_id, settings.base_url)
    return {
        "type": ENTRY_TYPE,
        "statusPurpose": entry.purpose,
        "statusListIndex": str(entry.status_index),
        "statusListCredential": list_url,
        "status": entry.status,
    }
