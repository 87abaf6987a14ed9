"""W3C VC-API routes (no `/api/v1` prefix, as VC-API clients and the W3C suites expect):
`POST /credentials/issue`, `POST /credentials/status`, `POST /credentials/verify`,
`POST /presentations/verify`, `POST /credentials/derive`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from credex.core.strict_json import loads_strict
from credex.core.verification import verify_presentation
from credex.deps import IssuerPrincipal, ReadSessionDep, SessionDep, SettingsDep
from credex.errors import Forbidden
from credex.problems import PROBLEM_JSON
from credex.settings import Settings
from credex.verification import service
from credex.verification.ratelimit import VerificationRateLimit
from credex.verification.sd_jwt_vc import looks_like_sd_jwt
from credex.verification.submission import read_limited_body
from credex.verification.vcapi import (
    CheckSelection,
    Verdict,
    credential_verdict,
    presentation_verdict,
)
from credex.verification.vcapi_issue import MalformedRequest, derive_disclosure, issue
from credex.verification.vcapi_status import update_status

router = APIRouter(tags=["vc-api"])
PARSING_ERROR = "https://www.w3.org/TR/vc-data-model#PARSING_ERROR"


async def read_json_object(request: Request) -> dict[str, Any]:
    body = await read_limited_body(request)
    try:
        value = loads_strict(body)
    except ValueError as exc:
        raise _malformed(str(exc)) from exc
    if not isinstance(value, dict):
        raise _malformed("the body must be a JSON object")
    return value


JsonObject = Annotated[dict[str, Any], Depends(read_json_object)]


def _malformed(detail: str, pointer: str = "") -> MalformedRequest:
    """400 with a non-empty `errors` list, so VC-API clients see a rejection, not a result."""
    error = {"type": PARSING_ERROR, "title": "Malformed request", "detail": detail}
    if pointer:
        error["pointer"] = pointer
    return MalformedRequest(detail, errors=[error], verified=False)


def _options(body: dict[str, Any]) -> tuple[dict[str, Any], CheckSelection]:
    options = body.get("options")
    options = {} if options is None else options
    if not isinstance(options, dict):
        raise _malformed("'options' must be a JSON object", "/options")
    checks = options.get("checks")
    if checks is not None and (
        not isinstance(checks, list) or not all(isinstance(name, str) for name in checks)
    ):
        raise _malformed("options.checks must be a list of check names", "/options/checks")
    for name in ("domain", "challenge"):
        if options.get(name) is not None and not isinstance(options[name], str):
            raise _malformed(f"options.{name} must be a string", f"/options/{name}")
    return options, CheckSelection.from_option(checks)


def _answer(verdict: Verdict, extra: dict[str, Any]) -> JSONResponse:
    body = {**verdict.to_dict(), **extra}
    if verdict.verified:
        return JSONResponse(body)
    first = verdict.errors[0]
    problem = {
        "type": first["type"],
        "title": first["title"],
        "status": 422,
        "detail": first["detail"],
        **body,
    }
    return JSONResponse(problem, status_code=422, media_type=PROBLEM_JSON)


@router.post("/credentials/issue", status_code=status.HTTP_201_CREATED)
def issue_credential(
    caller: IssuerPrincipal, body: JsonObject, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Sign `credential` (VC 2.0) as the caller's issuer: `options.cryptosuite` is
    eddsa-rdfc-2022 (default), ecdsa-rdfc-2019 or ecdsa-sd-2023 (with
    `options.mandatoryPointers`); `options.format: "application/vc+jwt"` returns a VC-JWT in an
    EnvelopedVerifiableCredential instead."""
    return {"verifiableCredential": issue(session, caller, body, settings)}


@router.post("/credentials/status")
def update_credential_status(
    caller: IssuerPrincipal, body: JsonObject, session: SessionDep, settings: SettingsDep
) -> dict[str, Any]:
    """Set the status of entries allocated with `options.credentialStatus` (VC-API "update
    status"): `{"credentialId", "credentialStatus": [{"statusPurpose", "status"}]}`."""
    if caller.role != "issuer" or caller.issuer_id is None:
        raise Forbidden("updating a status needs the issuing issuer's token")
    return update_status(session, caller.issuer_id, body, settings)


@router.post("/credentials/verify", responses={422: {"description": "does not verify"}})
def verify_credential(
    _limit: VerificationRateLimit, body: JsonObject, session: ReadSessionDep, settings: SettingsDep
) -> JSONResponse:
    """200 `{"verified": true}` for a valid credential; 422 with `errors` otherwise."""
    credential = _enveloped_sd_jwt(body.get("verifiableCredential"))
    if not (isinstance(credential, dict) and credential) and not looks_like_sd_jwt(credential):
        # Only maps are credentials (VC DM 2.0 §4.1); a VC-JWT comes as an
        # EnvelopedVerifiableCredential object (§4.13), which the core unwraps. An SD-JWT VC
        # is no VC DM credential: it may come enveloped or as its compact serialization.
        raise _malformed(
            "'verifiableCredential' must be a credential object (a VC-JWT goes in an "
            "EnvelopedVerifiableCredential)",
            "/verifiableCredential",
        )
    _opts, selection = _options(body)
    verifier = service.Verifier(session, settings, service.make_fetcher(settings))
    if looks_like_sd_jwt(credential):  # an SD-JWT VC (draft-ietf-oauth-sd-jwt-vc)
        report, _claims = verifier.sd_jwt.check(str(credential))
    else:
        report = verifier.run(credential)
    verdict = credential_verdict(report, selection)
    return _answer(verdict, {"report": verifier.credential_result(report)})


SD_JWT_MEDIA_TYPES = ("application/dc+sd-jwt", "application/vc+sd-jwt")


def _enveloped_sd_jwt(value: Any) -> Any:
    """The SD-JWT inside an EnvelopedVerifiableCredential `data:` URL, else `value` unchanged."""
    if not isinstance(value, dict) or value.get("type") != "EnvelopedVerifiableCredential":
        return value
    url = value.get("id")
    for media_type in SD_JWT_MEDIA_TYPES:
        prefix = f"data:{media_type},"
        if isinstance(url, str) and url.startswith(prefix):
            return url.removeprefix(prefix)
    return value


def _sd_jwt_presentation(
    presentation: str, body: dict[str, Any], session: Session, settings: Settings
) -> JSONResponse:
    """An SD-JWT+KB: the KB-JWT must be there, with the `challenge` and `domain` asked for."""
    options, selection = _options(body)
    verifier = service.Verifier(session, settings, service.make_fetcher(settings))
    report, _claims = verifier.sd_jwt.check(
        presentation,
        nonce=options.get("challenge"),
        audience=options.get("domain"),
        require_key_binding=True,
    )
    verdict = credential_verdict(report, selection)
    return _answer(verdict, {"report": verifier.credential_result(report)})


@router.post("/presentations/verify", responses={422: {"description": "does not verify"}})
def verify_presentation_route(
    _limit: VerificationRateLimit, body: JsonObject, session: ReadSessionDep, settings: SettingsDep
) -> JSONResponse:
    """200 `{"verified": true}` when the presentation and every credential in it verify."""
    presentation = body.get("verifiablePresentation")
    if looks_like_sd_jwt(presentation):
        return _sd_jwt_presentation(str(presentation), body, session, settings)
    if not isinstance(presentation, dict):
        raise _malformed(
            "'verifiablePresentation' must be a presentation object", "/verifiablePresentation"
        )
    options, selection = _options(body)
    verifier = service.Verifier(session, settings, service.make_fetcher(settings))
    report = verify_presentation(
        presentation,
        verifier.documents,
        domain=options.get("domain"),
        challenge=options.get("challenge"),
        trusted_issuer=verifier.trust,
    )
    verdict, per_credential = presentation_verdict(report, selection)
    extra = {
        "credentialResults": [each.to_dict() for each in per_credential],
        "report": verifier.presentation_result(report),
    }
    return _answer(verdict, extra)


@router.post("/credentials/derive", status_code=status.HTTP_201_CREATED)
def derive_credential(_limit: VerificationRateLimit, body: JsonObject) -> dict[str, Any]:
    """Derive a selectively disclosed credential from an ecdsa-sd-2023 base proof (VC-API
    "derive"): `options.selectivePointers` (RFC 6901) name what to disclose beyond the issuer's
    mandatory parts. Stateless: nothing is stored, and the base credential is not kept."""
    credential = body.get("verifiableCredential")
    if not isinstance(credential, dict):
        raise _malformed(
            "'verifiableCredential' must be a credential object", "/verifiableCredential"
        )
    options, _ = _options(body)
    pointers = options.get("selectivePointers", [])
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise _malformed(
            "options.selectivePointers must be an array of JSON pointers",
            "/options/selectivePointers",
        )
    return {"verifiableCredential": derive_disclosure(credential, pointers)}
