"""Reading an import request: a JSON body, or a multipart form with a CSV `file` and metadata
(read by `credex.uploads`, which the batch endpoint shares)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from credex.uploads import UploadLimit, decode_csv, read_json_or_csv

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


@dataclass(frozen=True)
class ImportUpload:
    kind: str  # "json" or "csv"
    document: Any = None
    csv_text: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


async def read_import_upload(request: Request) -> ImportUpload:
    limit = UploadLimit(MAX_IMPORT_BYTES, "an import")
    body = await read_json_or_csv(
        request, limit, METADATA_FIELDS, max_fields=len(METADATA_FIELDS) + 4
    )
    if body.kind == "json":
        return ImportUpload(kind="json", document=body.document)
    metadata = {name: value for name, value in body.form.items() if value.strip()}
    return ImportUpload(kind="csv", csv_text=decode_csv(body.csv_data), metadata=metadata)
