""" "Share only these fields": derived credentials from ecdsa-sd-2023 base proofs, for learners.

A credential issued with `cryptosuite: ecdsa-sd-2023` carries a base proof; the learner picks
which of their own facts (result, narrative, evidence…) to disclose, and gets a derived
credential that verifies on its own (VC-DI-ECDSA §3.6.2). What the issuer made mandatory is
always disclosed. Nothing is stored: the derived credential is a download.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.core import CoreError
from credex.core.ecdsa_sd import CRYPTOSUITE, derive
from credex.core.ecdsa_sd.proof_values import is_base_proof_value, parse_base
from credex.errors import Conflict, InvalidInput, field_error
from credex.wallet import service

_LABELS = {
    "identifier": "Your identifier (a salted hash of your e-mail address)",
    "result": "Results and grades",
    "narrative": "How you earned it (narrative)",
    "evidence": "Evidence",
    "activityStartDate": "Start of the activity",
    "activityEndDate": "End of the activity",
    "creditsEarned": "Credits earned",
    "awardedDate": "Date awarded",
}
_NOT_FIELDS = {"@context", "type", "id", "proof", "credentialSubject"}


@dataclass(frozen=True)
class DisclosableField:
    pointer: str  # RFC 6901, into the credential
    label: str
    always_disclosed: bool  # made mandatory by the issuer


def _label(name: str) -> str:
    return _LABELS.get(name) or re.sub(r"(?<!^)(?=[A-Z])", " ", name).capitalize()


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _base_proof(document: dict[str, Any]) -> dict[str, Any] | None:
    proof = document.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    if len(proofs) != 1 or not isinstance(proofs[0], dict):
        return None
    only = proofs[0]
    if only.get("cryptosuite") != CRYPTOSUITE or not is_base_proof_value(only.get("proofValue")):
        return None
    return only


def fields_of(document: dict[str, Any]) -> list[DisclosableField]:
    """The fields a learner can choose from; empty when the credential has no base proof."""
    proof = _base_proof(document)
    if proof is None:
        return []
    try:
        mandatory = parse_base(proof["proofValue"]).mandatory_pointers
    except CoreError:
        return []
    candidates = [(f"/{_escape(key)}", key) for key in document if key not in _NOT_FIELDS]
    subject = document.get("credentialSubject")
    if isinstance(subject, dict):
        candidates += [
            (f"/credentialSubject/{_escape(key)}", key)
            for key in subject
            if key not in {"type", "id", "achievement"}
        ]

    def always(pointer: str) -> bool:
        return any(pointer == m or pointer.startswith(m + "/") for m in mandatory)

    return [DisclosableField(p, _label(name), always(p)) for p, name in candidates]


def _stored_document(session: Session, principal: Principal, credential_id: uuid.UUID) -> Any:
    entry = service.get_entry(session, principal, credential_id)
    if entry.credential.format == "jwt":
        return None
    return json.loads(entry.credential.content)


def disclosable_fields(
    session: Session, principal: Principal, credential_id: uuid.UUID
) -> list[DisclosableField]:
    document = _stored_document(session, principal, credential_id)
    return fields_of(document) if isinstance(document, dict) else []


def derive_for_learner(
    session: Session, principal: Principal, credential_id: uuid.UUID, pointers: list[str]
) -> dict[str, Any]:
    """The derived credential disclosing the mandatory fields and `pointers` (404 for another
    person's credential, 409 without a base proof, 422 for a field that is not offered)."""
    document = _stored_document(session, principal, credential_id)
    offered = fields_of(document) if isinstance(document, dict) else []
    if not offered or not isinstance(document, dict):
        raise Conflict(
            "this credential was not issued for selective disclosure (ecdsa-sd-2023): "
            "it can only be shared whole"
        )
    choosable = {field.pointer for field in offered if not field.always_disclosed}
    unknown = [index for index, pointer in enumerate(pointers) if pointer not in choosable]
    if unknown:
        raise InvalidInput(
            "choose only among the fields this credential offers",
            errors=[
                field_error(f"/fields/{index}", "not a field you can choose") for index in unknown
            ],
        )
    try:
        return derive(document, list(dict.fromkeys(pointers)))
    except CoreError as exc:
        raise InvalidInput(f"the disclosed credential could not be made: {exc.detail}") from exc
