"""Public discovery documents for the SD-JWT VC forms: type metadata and issuer keys.

- `GET /type-metadata/{vct}`: SD-JWT VC Type Metadata of the types credex issues (the EUDI
  issuer's path convention, `<issuer>/type-metadata/<vct>`).
- `GET /.well-known/jwt-vc-issuer/issuers/{id}`: JWT VC Issuer Metadata for the `iss`
  `<base>/issuers/{id}` (the well-known segment goes between host and path, SD-JWT VC §5.1).

Both are public and cacheable; any origin may read them (wallets fetch them from web views).
"""

from __future__ import annotations

import json
import uuid

from fastapi import APIRouter, Response

from credex.credential_forms.issuer_keys import jwt_vc_issuer_metadata
from credex.credential_forms.type_metadata import VCTS, served_bytes
from credex.deps import SessionDep, SettingsDep
from credex.errors import NotFound

router = APIRouter(tags=["public"])

JSON = "application/json"
PUBLIC = {"Access-Control-Allow-Origin": "*"}


@router.get(
    "/type-metadata/{vct:path}",
    summary="SD-JWT VC Type Metadata (EU Learning Credential, OB 3.0-shaped micro-credential)",
    responses={200: {"content": {JSON: {}}}},
)
def type_metadata(vct: str) -> Response:
    if vct not in VCTS:
        raise NotFound(f"no type metadata for {vct!r}; credex issues {', '.join(VCTS)}")
    headers = PUBLIC | {"Cache-Control": "public, max-age=86400"}
    return Response(served_bytes(vct), media_type=JSON, headers=headers)


@router.get(
    "/.well-known/jwt-vc-issuer/issuers/{issuer_id}",
    summary="JWT VC Issuer Metadata: the issuer's public keys for its SD-JWT VCs",
    responses={200: {"content": {JSON: {}}}},
)
def jwt_vc_issuer(issuer_id: uuid.UUID, session: SessionDep, settings: SettingsDep) -> Response:
    metadata = jwt_vc_issuer_metadata(session, issuer_id, settings)
    headers = PUBLIC | {"Cache-Control": "public, max-age=300"}
    body = json.dumps(metadata, separators=(",", ":")).encode()
    return Response(body, media_type=JSON, headers=headers)
