"""HTML forms on top of the API's rules: run a service call, and show its errors next to fields.

Page routes build the same pydantic input schemas and call the same service functions as the
JSON API, so a form can never accept what the API refuses. A failed attempt is rolled back to a
savepoint, so the page can re-render the form while nothing half-written survives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from credex.errors import Conflict, InvalidInput

T = TypeVar("T")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    data: bytes
    too_large: bool


@dataclass(frozen=True)
class SubmittedForm:
    """A posted form, read once per request: text fields and (small) uploaded files."""

    fields: dict[str, str]
    files: dict[str, UploadedFile]

    def get(self, name: str) -> str:
        return self.fields.get(name, "").strip()


async def read_submitted_form(request: Request) -> SubmittedForm:
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    async with request.form(max_files=2, max_fields=100) as form:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read(MAX_UPLOAD_BYTES + 1)
                too_large = len(data) > MAX_UPLOAD_BYTES
                files[name] = UploadedFile(value.filename or "", data[:MAX_UPLOAD_BYTES], too_large)
            else:
                fields.setdefault(name, value)
    return SubmittedForm(fields=fields, files=files)


SubmittedFormDep = Annotated[SubmittedForm, Depends(read_submitted_form)]


@dataclass
class FormErrors:
    """Messages per form field, plus one summary for errors that belong to no single field."""

    fields: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    status: int = 422  # the HTTP status the page is sent with: 422 invalid, 409 conflict

    def add(self, pointer: str | None, message: str, rename: dict[str, str]) -> None:
        name = (pointer or "").lstrip("#").strip("/").split("/", 1)[0]
        name = rename.get(name, name)
        if name and name not in self.fields:
            self.fields[name] = message
        elif not name:
            self.general.append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


def form_errors(
    exc: ValidationError | InvalidInput | Conflict, rename: dict[str, str]
) -> FormErrors:
    """`rename` maps API field names to form field names where they differ."""
    errors = FormErrors(status=422 if isinstance(exc, ValidationError) else exc.status)
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            location = "/".join(str(part) for part in error["loc"])
            errors.add(location, error["msg"], rename)
        return errors
    for entry in exc.errors or []:
        errors.add(entry.get("pointer"), str(entry.get("detail", "")), rename)
    if not exc.errors:
        errors.general.append(exc.detail)
    return errors


def attempt(
    session: Session, action: Callable[[], T], rename: dict[str, str] | None = None
) -> tuple[T | None, FormErrors]:
    """Run `action` in a savepoint: its result, or the errors to show in the form."""
    try:
        with session.begin_nested():
            return action(), FormErrors()
    except (ValidationError, InvalidInput, Conflict) as exc:
        return None, form_errors(exc, rename or {})


def text(value: str | None) -> str:
    return (value or "").strip()
