"""One form for every EU element of a micro-credential: form fields ⇄ the API's achievement body.

The form has a few numbered slots for learning outcomes and one grading scheme; empty slots are
dropped. ESCO skills may be given by URI or by the exact start of their label (looked up in the
offline ESCO list). Labels for errors are plain words, never API field names.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from credex.db.models import Achievement
from credex.esco import search_skills
from credex.frameworks.fields import ESCO_SKILL_PREFIX

OUTCOME_SLOTS = 4
LABELS = {
    "name": "Title",
    "description": "Description",
    "language": "Language",
    "version": "Version",
    "eqf_level": "EQF level",
    "ects_credits": "ECTS credits",
    "workload_hours": "Workload in hours",
    "learning_outcomes": "Learning outcomes",
    "assessment_type": "Type of assessment",
    "participation_form": "Form of participation",
    "quality_assurance": "Quality assurance",
    "qa_type": "Quality assurance",
    "qa_body": "Quality assurance body",
    "qa_url": "Quality assurance link",
    "prerequisites": "Prerequisites",
    "supervision": "Supervision and identity check",
    "result_descriptions": "Grading scheme",
    "grading_name": "Grading scheme",
    "validity_months": "Validity",
    "criteria_narrative": "How it is earned",
    "further_information": "Further information",
    "stackability": "Stacking",
    **{f"outcome_{i}": f"Learning outcome {i + 1}" for i in range(OUTCOME_SLOTS)},
    **{f"outcome_{i}_esco": f"ESCO skills of outcome {i + 1}" for i in range(OUTCOME_SLOTS)},
    **{
        f"outcome_{i}_competencies": f"Competencies of outcome {i + 1}"
        for i in range(OUTCOME_SLOTS)
    },
}
# API error pointers → form field names.
RENAME = {
    "quality_assurance": "qa_type",
    "result_descriptions": "grading_name",
    "learning_outcomes": "outcome_0",  # errors name the list; the first slot holds the message
}
TEXT_FIELDS = (
    "name",
    "description",
    "language",
    "version",
    "criteria_narrative",
    "eqf_level",
    "ects_credits",
    "workload_hours",
    "assessment_type",
    "participation_form",
    "supervision",
    "prerequisites",
    "qa_type",
    "qa_body",
    "qa_url",
    "grading_name",
    "grading_type",
    "grading_values",
    "validity_months",
    "further_information",
    "stackability",
)


def _esco_uris(text: str) -> tuple[list[str], list[str]]:
    """URIs for each line (a URI, or the start of a skill's label); and lines not found."""
    uris: list[str] = []
    unknown: list[str] = []
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        if line.startswith(ESCO_SKILL_PREFIX):
            uris.append(line)
            continue
        found = [s for s in search_skills(line, 5) if s.text.lower().startswith(line.lower())]
        if found:
            uris.append(found[0].uri)
        else:
            unknown.append(line)
    return uris, unknown


def form_fields(fields: dict[str, str]) -> dict[str, str]:
    names = [*TEXT_FIELDS]
    for i in range(OUTCOME_SLOTS):
        names += [f"outcome_{i}", f"outcome_{i}_esco", f"outcome_{i}_competencies"]
    return {name: fields.get(name, "").strip() for name in names}


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]


def body_from_form(
    values: dict[str, str], competency_ids: Callable[[set[str]], dict[str, str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body (only what the form sets; blanks clear optional elements), and errors
    the form can find by itself (an ESCO skill or a competency code that does not exist).
    `competency_ids` maps competency codes of published frameworks to ids."""
    language = values["language"] or "en"
    problems: dict[str, str] = {}
    wanted = {c for i in range(OUTCOME_SLOTS) for c in _codes(values[f"outcome_{i}_competencies"])}
    known = competency_ids(wanted)

    def text_map(name: str) -> dict[str, str] | None:
        return {language: values[name]} if values[name] else None

    def number(name: str) -> str | None:
        return values[name] or None

    outcomes = []
    for i in range(OUTCOME_SLOTS):
        text = values[f"outcome_{i}"]
        uris, unknown = _esco_uris(values[f"outcome_{i}_esco"])
        if unknown:
            problems[f"outcome_{i}_esco"] = (
                "No ESCO skill starts with: " + ", ".join(unknown) + ". Search and copy its link."
            )
        codes = _codes(values[f"outcome_{i}_competencies"])
        if unknown_codes := [c for c in codes if c not in known]:
            problems[f"outcome_{i}_competencies"] = (
                "No published framework has the competency " + ", ".join(unknown_codes) + "."
            )
        competencies = [known[c] for c in codes if c in known]
        if text or uris or competencies:
            outcomes.append(
                {
                    "description": {language: text} if text else {},
                    "esco_uris": uris,
                    "competency_ids": competencies,
                }
            )
    body: dict[str, Any] = {
        "name": text_map("name") or {},
        "description": text_map("description") or {},
        "language": language,
        "version": values["version"] or "1.0",
        "criteria_narrative": text_map("criteria_narrative"),
        "eqf_level": number("eqf_level"),
        "ects_credits": number("ects_credits"),
        "workload_hours": number("workload_hours"),
        "assessment_type": values["assessment_type"] or None,
        "participation_form": values["participation_form"] or None,
        "supervision": values["supervision"] or None,
        "prerequisites": text_map("prerequisites"),
        "further_information": text_map("further_information"),
        "validity_months": number("validity_months"),
        "stackability": values["stackability"] or None,
        "learning_outcomes": outcomes,
        "quality_assurance": (
            {
                "type": values["qa_type"],
                "body": values["qa_body"] or None,
                "url": values["qa_url"] or None,
            }
            if values["qa_type"] or values["qa_body"] or values["qa_url"]
            else None
        ),
        "result_descriptions": (
            [
                {
                    "name": values["grading_name"],
                    "result_type": values["grading_type"] or "LetterGrade",
                    "allowed_values": [
                        v.strip() for v in values["grading_values"].split(",") if v.strip()
                    ],
                }
            ]
            if values["grading_name"]
            else []
        ),
    }
    return body, problems


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def form_values(achievement: Achievement, code_of: dict[str, str]) -> dict[str, str]:
    """The form filled from a stored achievement (its own language's texts); `code_of` maps
    the competency ids it references to their codes."""
    language = achievement.language

    def text(value: dict[str, str] | None) -> str:
        if not value:
            return ""
        return value.get(language) or next(iter(value.values()), "")

    qa = achievement.quality_assurance or {}
    grading = (achievement.result_descriptions or [{}])[0] or {}
    values = {
        "name": text(achievement.name),
        "description": text(achievement.description),
        "language": language,
        "version": achievement.version,
        "criteria_narrative": text(achievement.criteria_narrative),
        "eqf_level": _plain(achievement.eqf_level),
        "ects_credits": _plain(achievement.ects_credits),
        "workload_hours": _plain(achievement.workload_hours),
        "assessment_type": achievement.assessment_type or "",
        "participation_form": achievement.participation_form or "",
        "supervision": achievement.supervision or "",
        "prerequisites": text(achievement.prerequisites),
        "further_information": text(achievement.further_information),
        "validity_months": _plain(achievement.validity_months),
        "stackability": achievement.stackability or "",
        "qa_type": str(qa.get("type") or ""),
        "qa_body": str(qa.get("body") or ""),
        "qa_url": str(qa.get("url") or ""),
        "grading_name": str(grading.get("name") or ""),
        "grading_type": str(grading.get("result_type") or ""),
        "grading_values": ", ".join(grading.get("allowed_values") or []),
    }
    outcomes = achievement.learning_outcomes or []
    for i in range(OUTCOME_SLOTS):
        outcome = outcomes[i] if i < len(outcomes) else {}
        values[f"outcome_{i}"] = text(outcome.get("description"))
        values[f"outcome_{i}_esco"] = "\n".join(outcome.get("esco_uris") or [])
        values[f"outcome_{i}_competencies"] = ", ".join(
            code_of.get(cid, cid) for cid in outcome.get("competency_ids") or []
        )
    return values
