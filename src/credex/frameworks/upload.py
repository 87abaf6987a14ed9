"""Reading an import request: a JSON body, or a multipart form with a CSV `file` and metadata.

This is an async dependency (it awaits the body) so the endpoint itself stays synchronous and
runs the database work in the thread pool like every other endpoint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from credex.errors import CredexError, InvalidInput, PayloadTooLarge, field_error

MAX_IMPORT_BYTES = 5 * 1024 * 1024
METADATA_FIELDS = (
    "title",
    "description",
    "default_language",
    "version",
    "publisher",
    "source_url",
    "license",
)


class MalformedBody(CredexError):
    status = 400
    slug = "bad-request"
    title = "Malformed request body"


@dataclass(frozen=True)
class ImportUpload:
    kind: str  # "json" or "csv"
    document: Any = None
    csv_text: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"an import may be at most {MAX_IMPORT_BYTES // (1024 * 1024)} MiB")


def _check_declared_length(request: Request) -> None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_IMPORT_BYTES + 64 * 1024:
        raise _too_large()


async def _read_json(request: Request) -> Any:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_IMPORT_BYTES:
            raise _too_large()
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise MalformedBody("the request body is not valid JSON") from exc


def decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "the CSV file must be UTF-8",
            errors=[field_error("/file", f"not UTF-8 (byte {exc.start}); save it as CSV UTF-8")],
        ) from exc


async def read_import_upload(request: Request) -> ImportUpload:
    _check_declared_length(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return ImportUpload(kind="json", document=await _read_json(request))
    if content_type != "multipart/form-data":
        raise InvalidInput(
            "send application/json, or multipart/form-data with a CSV file",
            errors=[field_error("/", f"unsupported content type {content_type or 'none'!r}")],
        )
    async with request.form(max_files=1, max_fields=len(METADATA_FIELDS) + 4) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                "the CSV file is missing", errors=[field_error("/file", "attach the CSV as `file`")]
            )
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        metadata = {
            name: value
            for name in METADATA_FIELDS
            if isinstance(value := form.get(name), str) and value.strip()
        }
    if len(data) > MAX_IMPORT_BYTES:
        raise _too_large()
    return ImportUpload(kind="csv", csv_text=decode_csv(data), metadata=metadata)
