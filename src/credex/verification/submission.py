"""Reading a verification request: JSON (`credential`/`jwt`/`url`/`presentation`) or an upload.

Only an unreadable request is an error here: no body, malformed JSON (400), too large (413),
not exactly one input (422, pointing at the field). Whether the credential itself is any good
is the report's business.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from credex.core.strict_json import loads_strict
from credex.errors import CredexError, InvalidInput, PayloadTooLarge, field_error
from credex.verification.schemas import VerifyRequest
from credex.verification.service import Submission

MAX_BODY_BYTES = 5 * 1024 * 1024


class BadRequest(CredexError):
    """400: the body could not be read at all."""


async def read_limited_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is larger than {limit // (1024 * 1024)} MB")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge(f"the request body is larger than {limit // (1024 * 1024)} MB")
    return bytes(body)


def submission_from_json(value: Any) -> Submission:
    try:
        data = VerifyRequest.model_validate(value)
    except ValidationError as exc:
        errors = [
            field_error("".join(f"/{part}" for part in error["loc"]), error["msg"])
            for error in exc.errors()
        ]
        raise InvalidInput("the request does not say what to verify", errors=errors) from exc
    kind = data.input_kind
    payload = getattr(data, kind)
    return Submission(
        kind=kind,  # type: ignore[arg-type]
        data=payload,
        email=data.email,
        challenge=data.challenge,
        domain=data.domain,
    )


async def _from_form(request: Request) -> Submission:
    async with request.form(max_files=1, max_fields=5) as form:
        upload = form.get("file")
        email = form.get("email")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(
                "upload the credential as the form field 'file'",
                errors=[field_error("/file", "a file is required")],
            )
        data = await upload.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the file is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB")
    if not data:
        raise InvalidInput("the uploaded file is empty", errors=[field_error("/file", "empty")])
    text_email = email.strip() if isinstance(email, str) and email.strip() else None
    return Submission(kind="file", data=data, email=text_email)


async def read_submission(request: Request) -> Submission:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES + 64 * 1024:
            raise PayloadTooLarge(f"the upload is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB")
        return await _from_form(request)
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise BadRequest(f"send application/json or multipart/form-data, not {content_type}")
    body = await read_limited_body(request)
    if not body.strip():
        raise BadRequest('the request body is empty; send {"credential": ...} or a file')
    try:
        value = loads_strict(body)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc
    return submission_from_json(value)


SubmissionDep = Annotated[Submission, Depends(read_submission)]
