"""Reading an upload request: a JSON body, or a multipart form with one CSV `file` and text
fields, both under a size cap.

The bulk endpoints (framework import, batch issuance) read their bodies in an async dependency
(it awaits the body) so the endpoint itself stays synchronous and runs the database work in the
thread pool like every other endpoint. The cap is checked on the declared length first, then
on the bytes as they arrive, so an oversized body is refused without being held in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import Request
from starlette.datastructures import UploadFile

from credex.core.strict_json import loads_strict
from credex.errors import CredexError, InvalidInput, PayloadTooLarge, field_error

_MULTIPART_OVERHEAD = 64 * 1024  # form boundaries and fields around the file


class MalformedBody(CredexError):
    status = 400
    slug = "bad-request"
    title = "Malformed request body"


@dataclass(frozen=True)
class JsonOrCsv:
    """The JSON document, or the CSV file's bytes with the named form fields sent as text."""

    kind: Literal["json", "csv"]
    document: Any = None
    csv_data: bytes = b""
    form: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UploadLimit:
    """At most `max_bytes`; `what` names the upload in the 413 detail ("a batch")."""

    max_bytes: int
    what: str

    def too_large(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"{self.what} may be at most {self.max_bytes // (1024 * 1024)} MiB")


async def read_json_or_csv(
    request: Request, limit: UploadLimit, form_fields: Sequence[str], *, max_fields: int
) -> JsonOrCsv:
    """The body as JSON or as a CSV upload; 413 over the limit, 400 for malformed JSON, 422 for
    another content type or a form without `file`. `max_fields` caps the form's parts."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit.max_bytes + _MULTIPART_OVERHEAD:
        raise limit.too_large()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return JsonOrCsv(kind="json", document=await _read_json(request, limit))
    if content_type != "multipart/form-data":
        raise InvalidInput(
            "send application/json, or multipart/form-data with a CSV file",
            errors=[field_error("/", f"unsupported content type {content_type or 'none'!r}")],
        )
    async with request.form(max_files=1, max_fields=max_fields) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                "the CSV file is missing", errors=[field_error("/file", "attach the CSV as `file`")]
            )
        data = await upload.read(limit.max_bytes + 1)
        fields = {name: value for name in form_fields if isinstance(value := form.get(name), str)}
    if len(data) > limit.max_bytes:
        raise limit.too_large()
    return JsonOrCsv(kind="csv", csv_data=data, form=fields)


async def _read_json(request: Request, limit: UploadLimit) -> Any:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit.max_bytes:
            raise limit.too_large()
    try:
        return loads_strict(bytes(body))
    except ValueError as exc:
        raise MalformedBody(str(exc)) from exc


def decode_csv(data: bytes) -> str:
    """CSV files are UTF-8 (a byte-order mark, as spreadsheets write it, is dropped)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            "the CSV file must be UTF-8",
            errors=[field_error("/file", f"not UTF-8 (byte {exc.start}); save it as CSV UTF-8")],
        ) from exc
