"""Checking every row of a batch before anything is stored, as single issuance would.

Field rules come from `IssueRequest` (e-mail syntax, dates, URLs); rules against stored data
(the achievement exists, is this issuer's and published; the grade fits it; learner ids exist;
a learner's DID agrees with the recorded one and across rows) are checked for all rows in a
few queries. Errors name the row and the field: for CSV the spreadsheet row and the column,
for JSON the 1-based item position, the dotted field path and a JSON pointer into the body.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.achievements.repository import achievements_of_issuer
from credex.db.models import Achievement, Learner
from credex.errors import InvalidInput
from credex.issuance import batch_csv
from credex.issuance.grading import result_of
from credex.issuance.schemas import IssueRequest
from credex.learners.repository import learners_of_issuer

MAX_LISTED_ERRORS = 1000


@dataclass(frozen=True)
class BatchRow:
    number: int  # "row" in errors: CSV row number (header = 1) or 1-based position in `items`
    data: dict[str, Any]


@dataclass(frozen=True)
class Batch:
    source: Literal["json", "csv"]
    rows: list[BatchRow]
    issuer_id: uuid.UUID | None
    items_pointer: str = "/items"  # where the items are in a JSON body ("" for a bare array)


def field_name(source: str, loc: Sequence[Any]) -> str | None:
    """How errors name a field: the CSV column, or the dotted path in a JSON item."""
    path = ".".join(str(part) for part in loc)
    if source == "csv":
        return batch_csv.REQUEST_FIELD_TO_COLUMN.get(path, path or None)
    return path or None


def row_error(
    source: str, row: BatchRow, loc: Sequence[Any], detail: str, items_pointer: str = "/items"
) -> dict[str, Any]:
    field = field_name(source, loc)
    if source == "csv":
        return {"row": row.number, "field": field, "detail": detail}
    pointer = "/".join([items_pointer, str(row.number - 1), *(str(part) for part in loc)])
    return {"row": row.number, "field": field, "detail": detail, "pointer": pointer}


def invalid_batch(errors: list[dict[str, Any]], rows: int | None = None) -> InvalidInput:
    bad_rows = len({error["row"] for error in errors if error.get("row") is not None})
    what = f"{bad_rows} of {rows} rows are invalid" if rows else "the batch is invalid"
    listed = "" if len(errors) <= MAX_LISTED_ERRORS else f" (first {MAX_LISTED_ERRORS} listed)"
    return InvalidInput(f"{what}; nothing was issued{listed}", errors=errors[:MAX_LISTED_ERRORS])


def validate_rows(
    session: Session, issuer_id: uuid.UUID, batch: Batch, base_url: str
) -> list[tuple[int, IssueRequest]]:
    """Every row checked like a single issuance; raises one 422 listing every bad row."""
    valid, errors = check_rows(session, issuer_id, batch, base_url)
    if errors:
        raise invalid_batch(errors, len(batch.rows))
    return valid


def check_rows(
    session: Session, issuer_id: uuid.UUID, batch: Batch, base_url: str
) -> tuple[list[tuple[int, IssueRequest]], list[dict[str, Any]]]:
    """The valid rows and the errors of the others (sorted by row), without raising."""
    errors: list[dict[str, Any]] = []
    valid: list[tuple[BatchRow, IssueRequest]] = []
    for row in batch.rows:
        try:
            request = IssueRequest.model_validate(row.data)
        except ValidationError as exc:
            errors.extend(_pydantic_errors(batch, row, exc))
            continue
        row_errors = _request_errors(request, issuer_id)
        errors.extend(
            row_error(batch.source, row, loc, detail, batch.items_pointer)
            for loc, detail in row_errors
        )
        if not row_errors:
            valid.append((row, request))
    errors.extend(_reference_errors(session, issuer_id, batch, valid, base_url))
    errors.sort(key=lambda error: error["row"])
    bad = {error["row"] for error in errors}
    return [(row.number, request) for row, request in valid if row.number not in bad], errors


def _pydantic_errors(batch: Batch, row: BatchRow, exc: ValidationError) -> list[dict[str, Any]]:
    found = []
    for error in exc.errors():
        loc = list(error["loc"])
        detail = error["msg"]
        if loc == ["achievement_id"] and error["type"] == "missing":
            detail = "required: give it in the row, or once for the whole batch"
        found.append(row_error(batch.source, row, loc, detail, batch.items_pointer))
    return found


def _request_errors(request: IssueRequest, issuer_id: uuid.UUID) -> list[tuple[list[str], str]]:
    """Rules across fields that need no database."""
    found: list[tuple[list[str], str]] = []
    if (request.learner is None) == (request.learner_id is None):
        found.append((["learner"], "give either learner (with an email) or learner_id"))
    if request.issuer_id not in (None, issuer_id):
        found.append((["issuer_id"], "a batch issues for one issuer: set issuer_id once"))
    start, end = request.activity_start, request.activity_end
    if start is not None and end is not None and end < start:
        found.append((["activity_end"], "must not be before activity_start"))
    if request.cryptosuite not in (None, "eddsa-rdfc-2022"):
        found.append((["cryptosuite"], "bulk issuance signs with eddsa-rdfc-2022 only"))
    return found


def _in_chunks(values: set[Any], size: int = 1000) -> list[list[Any]]:
    """Bounded IN lists (SQLite caps bound parameters per statement)."""
    ordered = sorted(values, key=str)
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def _reference_errors(
    session: Session,
    issuer_id: uuid.UUID,
    batch: Batch,
    valid: Sequence[tuple[BatchRow, IssueRequest]],
    base_url: str,
) -> list[dict[str, Any]]:
    """What single issuance checks against stored rows, for all rows in a few queries:
    the achievement (this issuer's, published, grade allowed), learner ids, learners' DIDs."""
    achievements: dict[uuid.UUID, Achievement] = {}
    for chunk in _in_chunks({request.achievement_id for _, request in valid}):
        achievements.update(achievements_of_issuer(session, issuer_id, chunk))
    known_learners: set[uuid.UUID] = set()
    for chunk in _in_chunks({request.learner_id for _, request in valid if request.learner_id}):
        known_learners.update(
            session.scalars(
                learners_of_issuer(issuer_id)
                .where(Learner.id.in_(chunk))
                .with_only_columns(Learner.id)
            )
        )
    dids = _recorded_dids(session, issuer_id, valid)
    errors: list[dict[str, Any]] = []
    for row, request in valid:
        found = [
            *_achievement_errors(achievements.get(request.achievement_id), request, base_url),
            *_learner_errors(request, known_learners, dids),
        ]
        errors.extend(
            row_error(batch.source, row, loc, detail, batch.items_pointer) for loc, detail in found
        )
    return errors


def _achievement_errors(
    achievement: Achievement | None, request: IssueRequest, base_url: str
) -> list[tuple[list[str], str]]:
    if achievement is None:
        return [(["achievement_id"], "no achievement with this id for this issuer")]
    if achievement.status != "published":
        detail = f"the achievement is {achievement.status}; only published ones can be awarded"
        return [(["achievement_id"], detail)]
    try:
        result_of(request.result, achievement, achievement_url(achievement.id, base_url))
    except InvalidInput as exc:
        pointer = exc.errors[0]["pointer"] if exc.errors else "/result"
        return [(pointer.strip("/").split("/"), exc.errors[0]["detail"] if exc.errors else "")]
    return []


def _recorded_dids(
    session: Session, issuer_id: uuid.UUID, valid: Sequence[tuple[BatchRow, IssueRequest]]
) -> dict[str, str]:
    """E-mail → DID already recorded for this issuer's learners that this batch names."""
    emails = {request.learner.email for _, request in valid if request.learner}
    dids: dict[str, str] = {}
    for chunk in _in_chunks(emails):
        rows = session.execute(
            learners_of_issuer(issuer_id)
            .where(Learner.email.in_(chunk), Learner.did.is_not(None))
            .with_only_columns(Learner.email, Learner.did)
        ).all()
        dids.update({email: did for email, did in rows if did})
    return dids


def _learner_errors(
    request: IssueRequest, known_learners: set[uuid.UUID], dids: dict[str, str]
) -> list[tuple[list[str], str]]:
    if request.learner_id is not None and request.learner_id not in known_learners:
        return [(["learner_id"], "no learner with this id")]
    learner = request.learner
    # The first DID seen for an e-mail (recorded, or in an earlier row) is the learner's.
    if learner and learner.did and dids.setdefault(learner.email, learner.did) != learner.did:
        detail = "differs from the DID recorded (or given in an earlier row) for this email"
        return [(["learner", "did"], detail)]
    return []
