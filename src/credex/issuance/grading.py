"""The learner's `Result` (Annex I optional element "grade achieved"), checked against the
achievement's grading scheme (its OB `ResultDescription`s).

A value outside `allowedValue` or outside `valueMin..valueMax`, or a Status-type result without
a status, would be a credential that contradicts its own Achievement; it is refused with a 422
naming the field.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from credex.core.credentials.microcredential import result_description_id
from credex.db.models import Achievement
from credex.errors import InvalidInput, field_error
from credex.issuance.schemas import ResultIn


def result_of(
    result: ResultIn | None, achievement: Achievement, public_url: str
) -> dict[str, Any] | None:
    """The OB `Result` JSON for the credential subject, or None without a result."""
    if result is None:
        return None
    schemes = achievement.result_descriptions
    ids = [result_description_id(public_url, index) for index in range(1, len(schemes) + 1)]
    if result.result_description is not None and result.result_description not in ids:
        choices = ", ".join(ids) or "none (the achievement defines no result descriptions)"
        raise _invalid("/result/result_description", f"not one of the achievement's: {choices}")
    position = ids.index(result.result_description) if result.result_description else 0
    rendered: dict[str, Any] = {"type": ["Result"]}
    if schemes:
        scheme = schemes[position]
        _check_against(result, scheme)
        rendered["resultDescription"] = ids[position]
    if result.value is not None:
        rendered["value"] = result.value
    if result.status is not None:
        rendered["status"] = result.status
    return rendered


def _check_against(result: ResultIn, scheme: dict[str, Any]) -> None:
    allowed = scheme.get("allowed_values") or []
    if result.value is not None and allowed and result.value not in allowed:
        raise _invalid("/result/value", f"must be one of {', '.join(allowed)}")
    if scheme.get("result_type") == "Status" and result.status is None:
        raise _invalid("/result/status", "required: the result description is of type Status")
    low, high = _number(scheme.get("value_min")), _number(scheme.get("value_max"))
    if result.value is not None and (low is not None or high is not None):
        value = _number(result.value)
        if value is None:
            raise _invalid("/result/value", "must be a number for this result description")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"{scheme.get('value_min') or '-∞'}..{scheme.get('value_max') or '∞'}"
            raise _invalid("/result/value", f"must be within {bounds}")


def _number(text: object) -> Decimal | None:
    if not isinstance(text, str):
        return None
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _invalid(pointer: str, detail: str) -> InvalidInput:
    return InvalidInput(f"invalid result: {detail}", errors=[field_error(pointer, detail)])
