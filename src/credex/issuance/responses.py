"""Response bodies that carry a credential exactly as stored.

The signed JSON text is spliced into the body instead of being parsed and re-serialised, so
what a client receives is byte for byte what was signed and stored (and it saves a round of
JSON work on the hot path).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Response

from credex.db.models import Credential
from credex.issuance.document import credential_url
from credex.issuance.schemas import CredentialRead
from credex.status_lists.service import status_list_url
from credex.status_lists.token_list import token_list_url


def with_credential(head: dict[str, Any], credential: Credential) -> bytes:
    """`head` as a JSON object plus `"credential": <stored JSON>` or `"jwt": "<JWS>"`."""
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"), default=str)
    if credential.format == "jwt":
        tail = '"jwt":' + json.dumps(credential.content)
    else:
        tail = '"credential":' + credential.content
    return (text[:-1] + ("," if head else "") + tail + "}").encode()


def wants_minimal(prefer: str | None) -> bool:
    """Whether a `Prefer` header (RFC 7240 §4.2) asks for `return=minimal`."""
    if not prefer:
        return False
    tokens = (part.strip().lower().replace(" ", "") for part in prefer.replace(";", ",").split(","))
    return "return=minimal" in tokens


def issued_response(credential: Credential, *, created: bool, minimal: bool = False) -> Response:
    """The credential as stored (default), or with `minimal` only its id and status, its
    `Location` and `Preference-Applied: return=minimal`."""
    head = {"id": str(credential.id), "status": credential.status}
    status_code = 201 if created else 200
    if minimal:
        headers = {
            "Location": f"/api/v1/credentials/{credential.id}",
            "Preference-Applied": "return=minimal",
        }
        body = json.dumps(head, separators=(",", ":")).encode()
        return Response(body, status_code, headers=headers, media_type="application/json")
    return Response(with_credential(head, credential), status_code, media_type="application/json")


def to_read(credential: Credential, base_url: str) -> CredentialRead:
    return CredentialRead(
        id=credential.id,
        issuer_id=credential.issuer_id,
        achievement_id=credential.achievement_id,
        learner_id=credential.learner_id,
        format=credential.format,
        status=credential.status,
        public=credential.public,
        url=credential_url(credential.id, base_url),
        status_list_credential=status_list_url(credential.status_list_id, base_url),
        status_list_index=credential.status_index,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        created_at=credential.created_at,
        revoked_at=credential.revoked_at,
        revocation_reason=credential.revocation_reason,
        suspended_at=credential.suspended_at,
        token_status_list=(
            token_list_url(credential.token_list_id, base_url)
            if credential.token_list_id is not None
            else None
        ),
        token_status_index=credential.token_index,
        revocation_public_reason=credential.revocation_public_reason,
    )


def detail_response(credential: Credential, base_url: str) -> Response:
    head = to_read(credential, base_url).model_dump(mode="json")
    return Response(with_credential(head, credential), media_type="application/json")
