"""Builders for unsigned OB 3.0 credentials, ready for a Data Integrity proof or VC-JWT.

They assemble the `@context` (VC v2, OB 3.0.3, the OB extensions context when a `1EdTech*` type
is used, then caller extensions), add the OB `credentialSchema` entry that verifiers use for the
conformance step (OB 3.0 §"Verification", VCCS-10), and check the result with the models and,
for achievement credentials, the official JSON Schema. Any failure is a `CoreError` with code
`MALFORMED_VALUE_ERROR`, so a malformed credential is never handed to the signer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from credex.core.credentials._base import describe_errors
from credex.core.credentials.ob3 import (
    AchievementSubject,
    CredentialSchema,
    CredentialStatus,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    OpenBadgeCredential,
    Profile,
)
from credex.core.credentials.schema import validate_ob_schema
from credex.core.credentials.vocab import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    ENDORSEMENT_CREDENTIAL_SCHEMA,
    OB_CONTEXT,
    OB_EXTENSIONS_CONTEXT,
    OB_SCHEMA_VALIDATOR_TYPE,
    VC_V2_CONTEXT,
)
from credex.core.errors import CoreError

Context = str | Mapping[str, Any]
Instant = datetime | str

_EXTENSION_TYPE_PREFIX = "1EdTech"


def build_open_badge_credential(
    *,
    credential_id: str,
    issuer: Profile,
    subject: AchievementSubject,
    valid_from: Instant,
    valid_until: Instant | None = None,
    awarded_date: Instant | None = None,
    name: str | None = None,
    description: str | None = None,
    evidence: Iterable[Evidence] = (),
    credential_status: Mapping[str, Any] | None = None,
    extra_contexts: Iterable[Context] = (),
    credential_schema: bool = True,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential as a JSON object.

    `name` defaults to the achievement's name (wallets show it; OB examples always set it).
    """
    status = dict(credential_status) if credential_status is not None else None
    schemas = [_schema_entry(ACHIEVEMENT_CREDENTIAL_SCHEMA)] if credential_schema else []
    try:
        credential = OpenBadgeCredential(
            context=credential_contexts(extra_contexts, _needs_extensions(schemas, status)),
            id=credential_id,
            name=name if name is not None else subject.achievement.name,
            description=description,
            issuer=issuer,
            valid_from=valid_from,
            valid_until=valid_until,
            awarded_date=awarded_date,
            credential_subject=subject,
            evidence=list(evidence),
            credential_status=CredentialStatus.model_validate(status) if status else None,
            credential_schema=schemas,
        )
    except ValidationError as exc:
        raise CoreError(describe_errors(exc), code="MALFORMED_VALUE_ERROR") from exc
    document = credential.to_json()
    errors = validate_ob_schema(document)
    if errors:
        raise CoreError("; ".join(errors), code="MALFORMED_VALUE_ERROR")
    return document


def build_endorsement_credential(
    *,
    credential_id: str,
    issuer: Profile,
    endorsed_id: str,
    name: str,
    valid_from: Instant,
    valid_until: Instant | None = None,
    comment: str | None = None,
    description: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    extra_contexts: Iterable[Context] = (),
    credential_schema: bool = True,
) -> dict[str, Any]:
    """An unsigned EndorsementCredential about `endorsed_id` (a Profile, Achievement or VC id).

    Sign it before embedding it in `endorsement[]`: an embedded endorsement carries its own proof.
    """
    status = dict(credential_status) if credential_status is not None else None
    schemas = [_schema_entry(ENDORSEMENT_CREDENTIAL_SCHEMA)] if credential_schema else []
    try:
        credential = EndorsementCredential(
            context=credential_contexts(extra_contexts, _needs_extensions(schemas, status)),
            id=credential_id,
            name=name,
            description=description,
            issuer=issuer,
            valid_from=valid_from,
            valid_until=valid_until,
            credential_subject=EndorsementSubject(id=endorsed_id, endorsement_comment=comment),
            credential_status=CredentialStatus.model_validate(status) if status else None,
            credential_schema=schemas,
        )
    except ValidationError as exc:
        raise CoreError(describe_errors(exc), code="MALFORMED_VALUE_ERROR") from exc
    return credential.to_json()


def credential_contexts(
    extra_contexts: Iterable[Context] = (), with_extensions: bool = False
) -> list[str | dict[str, Any]]:
    """`[VC v2, OB 3.0.3, (OB extensions), *extra]` without duplicates, order kept."""
    contexts: list[str | dict[str, Any]] = [VC_V2_CONTEXT, OB_CONTEXT]
    if with_extensions:
        contexts.append(OB_EXTENSIONS_CONTEXT)
    for context in extra_contexts:
        entry = context if isinstance(context, str) else dict(context)
        if entry not in contexts:
            contexts.append(entry)
    return contexts


def _schema_entry(schema_id: str) -> CredentialSchema:
    return CredentialSchema(id=schema_id, type=OB_SCHEMA_VALIDATOR_TYPE)


def _needs_extensions(schemas: list[CredentialSchema], status: dict[str, Any] | None) -> bool:
    """The `1EdTech*` types are only defined by the OB extensions context."""
    types = [schema.type for schema in schemas]
    if status is not None:
        types.append(str(status.get("type", "")))
    return any(name.startswith(_EXTENSION_TYPE_PREFIX) for name in types)
