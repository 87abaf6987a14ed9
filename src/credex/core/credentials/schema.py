"""OB 3.0 conformance checks: the official JSON Schema and the credentialSubject rule.

OB 3.0 §"OpenBadgeCredential Verification" step 1 (https://www.imsglobal.org/spec/ob/v3p0/#verification):
when `credentialSchema` names `1EdTechJsonSchemaValidator2019`, validate against the JSON Schema;
the subject must have `id` and/or `identifier`. The schema is shipped with the package, compiled
once, and validated with an empty `referencing` registry so no `$ref` can reach the network.
`date-time`/`date` formats are asserted with credex's own checks (no optional dependencies).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
from jsonschema import Draft201909Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry

from credex.core.credentials import lexical

SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"
_OB_CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
_MAX_VALUE = 60


def _format_checker() -> Any:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(
        lambda value: not isinstance(value, str) or lexical.is_date_time_stamp(value)
    )
    checker.checks("date")(lambda value: not isinstance(value, str) or lexical.is_date(value))
    return checker


@cache
def _validator() -> Any:
    text = (
        resources.files("credex.core.credentials")
        .joinpath("schemas", SCHEMA_FILE)
        .read_text(encoding="utf-8")
    )
    schema = json.loads(text)
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, registry=Registry(), format_checker=_format_checker())


@cache
def _fast_validator() -> Any:
    """The same schema compiled by jsonschema-rs: ~50× faster for the common, valid case.

    It only answers "valid"; any other answer is explained by the reference validator above,
    so messages, and the final word, stay with `jsonschema`. Where the two could differ, the
    fast one must be the stricter: it checks the formats credex checks with the same functions
    (others it knows, e.g. `uri`, only make it stricter) and never fetches a `$ref`.
    """
    text = (
        resources.files("credex.core.credentials")
        .joinpath("schemas", SCHEMA_FILE)
        .read_text(encoding="utf-8")
    )
    return jsonschema_rs.Draft201909Validator(
        json.loads(text),
        formats={"date-time": lexical.is_date_time_stamp, "date": lexical.is_date},
        validate_formats=True,
        offline=True,
    )


def validate_ob_schema(credential: Mapping[str, Any]) -> list[str]:
    """Every JSON Schema violation as `"<JSON pointer>: <message>"`; empty when valid."""
    if _fast_validator().is_valid(credential):
        return []
    errors = sorted(
        _validator().iter_errors(credential), key=lambda error: [str(part) for part in error.path]
    )
    return [_describe(error) for error in errors]


def check_subject_rule(credential: Mapping[str, Any]) -> str | None:
    """The OB rule the schema cannot express: each subject has an `id` or an `identifier`."""
    subject = credential.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    if subject is None or not subjects:
        return "/credentialSubject: missing"
    for index, item in enumerate(subjects):
        where = "/credentialSubject" + (f"/{index}" if isinstance(subject, list) else "")
        if not isinstance(item, Mapping):
            return f"{where}: must be an object"
        if not item.get("id") and not item.get("identifier"):
            return f"{where}: needs an id or at least one identifier (OB 3.0 AchievementSubject)"
    return None


def is_open_badge_credential(data: object) -> bool:
    """True when `type` names OpenBadgeCredential or its alias AchievementCredential."""
    if not isinstance(data, Mapping):
        return False
    types = data.get("type")
    names = [types] if isinstance(types, str) else types
    return isinstance(names, list) and any(name in _OB_CREDENTIAL_TYPES for name in names)


def _describe(error: Any) -> str:
    """`<pointer>: <reason>`, naming the innermost failure and never echoing whole objects."""
    if error.context:  # oneOf/anyOf: report the failure in the branch of the right JSON type
        same_type = [
            branch for branch in error.context if branch.relative_path or branch.validator != "type"
        ]
        return _describe(best_match(same_type or error.context))
    if error.validator == "type":
        reason = f"expected {error.validator_value}, got {_json_type(error.instance)}"
    elif error.validator == "enum" and len(error.validator_value) > 8:
        reason = (
            f"{error.instance!r:.{_MAX_VALUE}} is not an allowed value (see the OB enumeration)"
        )
    elif error.validator == "contains" and "enum" in error.validator_value:
        reason = f"must contain one of {error.validator_value['enum']}"
    else:
        instance = repr(error.instance)
        reason = error.message
        if reason.startswith(instance) and len(instance) > _MAX_VALUE:
            reason = instance[:_MAX_VALUE] + "…" + reason[len(instance) :]
    return f"{_pointer(error.absolute_path)}: {reason}"


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _pointer(path: Any) -> str:
    """RFC 6901 JSON Pointer; the whole document is shown as `/` for readability."""
    parts = [str(part).replace("~", "~0").replace("/", "~1") for part in path]
    return "/" + "/".join(parts)
