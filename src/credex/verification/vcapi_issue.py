"""VC-API `POST /credentials/issue`: sign a caller-supplied credential as the caller's issuer.

The credential is checked against the VC Data Model before signing (W3C suites: an issuer must
refuse what a verifier must reject, with 400 or 422) and signed with the issuer's active key as
`DataIntegrityProof` / `eddsa-rdfc-2022`, or, with `options.format: "application/vc+jwt"`, as
a VC-JWT returned in an `EnvelopedVerifiableCredential` (VC DM 2.0 §4.13, VC-JOSE-COSE). The
credential is not stored: this is signing as a service for interoperability, not credex
issuance (which builds the credential itself); only the status entries `options.credentialStatus`
asks for are recorded, so `POST /credentials/status` can set them.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.core import CoreError, InvalidCredentialError, sign_credential
from credex.core.credentials.schema import is_open_badge_credential
from credex.core.ecdsa_sd import derive
from credex.core.errors import VCDM_ERRORS
from credex.core.keys import KeyAlgorithm
from credex.errors import CredexError, Forbidden, InvalidInput
from credex.issuers import repository as issuers
from credex.keys.signer import signer_for_issuer
from credex.settings import Settings
from credex.verification.vcapi_status import allocate_entries, read_status_options

ISSUE_OPTIONS = frozenset(
    {"credentialId", "mandatoryPointers", "cryptosuite", "format", "credentialStatus"}
)
# VC-API `options.cryptosuite` → the issuer key that signs (VC-DI-EDDSA, VC-DI-ECDSA).
CRYPTOSUITE_KEYS: dict[str, KeyAlgorithm] = {
    "eddsa-rdfc-2022": "Ed25519",
    "ecdsa-rdfc-2019": "P-256",
    "ecdsa-sd-2023": "P-256",
}
# credex's extension `options.format`: the secured form to return (VC DM 2.0 §4.13 envelopes).
DATA_INTEGRITY_FORM, JWT_FORM = "application/vc", "application/vc+jwt"
ISSUE_FORMS = (DATA_INTEGRITY_FORM, JWT_FORM)
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"
MALFORMED = VCDM_ERRORS + "MALFORMED_VALUE_ERROR"


class MalformedRequest(CredexError):
    """400: the request itself is not an issue request (VC-API `IssueCredentialRequest`)."""


def _error(pointer: str, detail: str, problem_type: str = MALFORMED) -> dict[str, Any]:
    return {"pointer": pointer, "detail": detail, "type": problem_type}


def read_issue_request(body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(credential, options) from the request body, or MalformedRequest (400)."""
    if not isinstance(body, dict):
        raise MalformedRequest("the body must be a JSON object {credential, options}")
    credential = body.get("credential")
    if not isinstance(credential, dict):
        raise MalformedRequest(
            "'credential' must be a JSON object", errors=[_error("/credential", "required object")]
        )
    options = body.get("options", {})
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise MalformedRequest("'options' must be a JSON object")
    unknown = sorted(set(options) - ISSUE_OPTIONS)
    if unknown:
        raise MalformedRequest(
            f"unsupported issue option(s): {', '.join(unknown)}",
            errors=[_error(f"/options/{name}", "not a supported option") for name in unknown],
        )
    credential_id = options.get("credentialId")
    if credential_id is not None and not isinstance(credential_id, str):
        raise MalformedRequest("options.credentialId must be a string")
    pointers = options.get("mandatoryPointers")
    if pointers is not None and (
        not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers)
    ):
        raise MalformedRequest(
            "options.mandatoryPointers must be an array of JSON pointers",
            errors=[_error("/options/mandatoryPointers", "an array of strings")],
        )
    suite = options.get("cryptosuite")
    if suite is not None and suite not in CRYPTOSUITE_KEYS:
        raise MalformedRequest(
            f"unsupported cryptosuite {suite!r}; use one of {', '.join(CRYPTOSUITE_KEYS)}",
            errors=[_error("/options/cryptosuite", "not a cryptosuite this service issues")],
        )
    if options.get("format", DATA_INTEGRITY_FORM) not in ISSUE_FORMS:
        raise MalformedRequest(
            f"options.format must be one of {', '.join(ISSUE_FORMS)}",
            errors=[_error("/options/format", f"one of {', '.join(ISSUE_FORMS)}")],
        )
    return credential, options


def enveloped(token: str) -> dict[str, Any]:
    """A VC-JWT as VC DM 2.0 §4.13 carries it: an EnvelopedVerifiableCredential data: URL."""
    return {
        "@context": VC_V2_CONTEXT,
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:{JWT_FORM},{token}",
    }


def _signing_issuer(
    session: Session, principal: Principal, claimed: Any, base_url: str
) -> uuid.UUID:
    """An issuer token signs as its issuer; an admin as the service issuer the credential names."""
    if principal.role == "issuer" and principal.issuer_id is not None:
        return principal.issuer_id
    if principal.is_admin:
        named = claimed.get("id") if isinstance(claimed, dict) else claimed
        found = issuers.find_issuer_by_did(session, named, base_url)
        if found is not None:
            return found.id
        raise InvalidInput(
            "as an admin, name one of this service's issuers in credential.issuer",
            errors=[_error("/credential/issuer", "not an issuer of this service")],
        )
    raise Forbidden("issuing needs an issuer token")


def _with_issuer(credential: dict[str, Any], did: str) -> dict[str, Any]:
    """Fill in a missing issuer (or issuer id); refuse an issuer that is not the caller."""
    if "issuer" not in credential:
        credential["issuer"] = did
    elif isinstance(credential["issuer"], dict) and "id" not in credential["issuer"]:
        credential["issuer"]["id"] = did
    issuer = credential["issuer"]
    stated = issuer.get("id") if isinstance(issuer, dict) else issuer
    if stated != did:
        raise InvalidInput(
            f"the credential's issuer must be this issuer's DID {did}",
            errors=[_error("/credential/issuer", f"expected {did}, got {stated!r}")],
        )
    return credential


def _add_proof_context(credential: dict[str, Any]) -> None:
    """VC DM 1.1 has no DataIntegrityProof terms: append their context, as DI §2.1 allows (the
    VC 2.0 base context already defines them)."""
    contexts = credential.get("@context")
    if (
        isinstance(contexts, list)
        and contexts[:1] == [VC_V1_CONTEXT]
        and DATA_INTEGRITY_CONTEXT not in contexts
    ):
        credential["@context"] = [*contexts, DATA_INTEGRITY_CONTEXT]


def _add_status(
    session: Session,
    issuer_id: uuid.UUID,
    credential: dict[str, Any],
    requested: Any,
    settings: Settings,
) -> None:
    """Allocate the entries `options.credentialStatus` asks for (see `vcapi_status`)."""
    requests = read_status_options(requested)
    if "credentialStatus" in credential:
        raise InvalidInput(
            "give credentialStatus in the credential or in options, not both",
            errors=[_error("/credential/credentialStatus", "already given in options")],
        )
    if is_open_badge_credential(credential) and len(requests) > 1:
        raise InvalidInput(
            "an Open Badges 3.0 credential carries a single credentialStatus",
            errors=[_error("/options/credentialStatus", "one entry for an OpenBadgeCredential")],
        )
    credential.setdefault("id", f"urn:uuid:{uuid.uuid4()}")  # what status updates name
    entries = allocate_entries(session, issuer_id, str(credential["id"]), requests, settings)
    credential["credentialStatus"] = entries[0] if len(entries) == 1 else entries


def issue(session: Session, principal: Principal, body: Any, settings: Settings) -> dict[str, Any]:
    """The signed credential; 400 for a malformed request, 422 for an invalid credential."""
    credential, options = read_issue_request(body)
    credential = copy.deepcopy(credential)
    issuer_id = _signing_issuer(session, principal, credential.get("issuer"), settings.base_url)
    suite = options.get("cryptosuite") or "eddsa-rdfc-2022"
    signer = signer_for_issuer(session, issuer_id, settings, algorithm=CRYPTOSUITE_KEYS[suite])
    credential = _with_issuer(credential, signer.controller)
    credential_id = options.get("credentialId")
    if credential_id is not None:
        if "id" in credential and credential["id"] != credential_id:
            raise InvalidInput(
                "options.credentialId differs from the credential's id",
                errors=[_error("/options/credentialId", "differs from /credential/id")],
            )
        credential["id"] = credential_id
    if options.get("credentialStatus") is not None:
        _add_status(session, issuer_id, credential, options["credentialStatus"], settings)
    _add_proof_context(credential)
    try:
        if options.get("format") == JWT_FORM:
            return enveloped(sign_credential(credential, signer, format="jwt"))
        return sign_credential(
            credential,
            signer,
            cryptosuite=suite,
            mandatory_pointers=options.get("mandatoryPointers")
            if suite == "ecdsa-sd-2023"
            else None,
        )
    except InvalidCredentialError as exc:
        errors = [
            _error(f"/credential{p.pointer}", p.detail, VCDM_ERRORS + p.code) for p in exc.problems
        ]
        raise InvalidInput(
            "the credential is not a valid VC 2.0 credential", errors=errors
        ) from exc
    except CoreError as exc:
        raise InvalidInput(
            f"the credential cannot be signed: {exc.detail}",
            errors=[_error("/credential", exc.detail, exc.problem_type)],
        ) from exc


def derive_disclosure(credential: dict[str, Any], selective_pointers: list[str]) -> dict[str, Any]:
    """The ecdsa-sd-2023 derived credential disclosing the mandatory parts and the pointers;
    422 (problem) when the credential has no base proof or a pointer matches nothing."""
    try:
        return derive(credential, selective_pointers)
    except CoreError as exc:
        raise InvalidInput(
            f"no disclosed credential can be derived: {exc.detail}",
            errors=[_error("/options/selectivePointers", exc.detail, exc.problem_type)],
        ) from exc
