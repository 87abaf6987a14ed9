"""`POST /api/v1/verify`: anyone may verify a credential and get the check-by-check report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from credex.deps import SettingsDep, in_unit_of_work
from credex.verification import service
from credex.verification.ratelimit import VerificationRateLimit
from credex.verification.schemas import VerificationRead, VerifyRequest
from credex.verification.submission import SubmissionDep

router = APIRouter(prefix="/api/v1", tags=["verification"])

_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": VerifyRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "credential JSON, VC-JWT, or a baked PNG/SVG badge",
                        },
                        "email": {"type": "string", "description": "recipient to compare"},
                    },
                }
            },
        },
    }
}


@router.post(
    "/verify",
    response_model=VerificationRead,
    openapi_extra=_REQUEST_BODY,
    responses={413: {"description": "body too large"}, 429: {"description": "rate limited"}},
)
async def verify(
    request: Request,
    _limit: VerificationRateLimit,
    submission: SubmissionDep,
    settings: SettingsDep,
) -> JSONResponse:
    """Verify a credential, VC-JWT, baked badge, presentation or URL; always 200 with a report.

    `verified` is true only when no required check failed or errored; checks that are not
    required (an unknown issuer, an unverifiable endorsement) appear as `warnings`.
    """
    fetcher = service.make_fetcher(settings)
    result = await in_unit_of_work(
        request,
        lambda session: service.verify_submission(session, settings, submission, fetcher=fetcher),
        read_only=True,
    )
    return JSONResponse(result)  # already JSON-ready; VerificationRead documents its shape
