"""Check a specification against the EU micro-credential elements (CR2022 Annex I).

Pure: works on the rendered `MicroCredentialSpec`, so the check sees exactly what an Achievement
(and every credential embedding it) will carry. Elements 1 (learner) and 5 (date of issuing)
belong to each credential, not to the specification; they are filled in at issuance and count
as present here. Element 8 (level) is "if applicable" in Annex I; credex decides it applies to
every `MicroCredential`, and to other achievement types only when given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from credex.core.credentials.microcredential import MICRO_CREDENTIAL, MicroCredentialSpec

Status = Literal["present", "missing", "provided_at_issuance", "not_applicable", "absent"]
AT_ISSUANCE: Status = "provided_at_issuance"


@dataclass(frozen=True)
class Element:
    id: str
    label: str
    mandatory: bool
    status: Status


@dataclass(frozen=True)
class ComplianceReport:
    compliant: bool
    missing: list[str]
    present: list[str]
    optional_present: list[str]
    elements: list[Element] = field(default_factory=list)


Check = Callable[[MicroCredentialSpec], bool]


def _has_workload(spec: MicroCredentialSpec) -> bool:
    return any(
        value is not None and value > 0 for value in (spec.ects_credits, spec.workload_hours)
    )


# (id, Annex I wording, check); None = supplied by each credential at issuance.
MANDATORY: tuple[tuple[str, str, Check | None], ...] = (
    ("learner_identification", "Identification of the learner", None),
    ("title", "Title of the micro-credential", lambda s: bool(s.name.strip())),
    ("issuer_country", "Country(ies)/Region(s) of the issuer", lambda s: bool(s.issuer_country)),
    ("awarding_body", "Awarding body(ies)", lambda s: bool(s.awarding_body)),
    ("date_of_issuing", "Date of issuing", None),
    ("learning_outcomes", "Learning outcomes", lambda s: len(s.learning_outcomes) > 0),
    ("workload", "Notional workload (ECTS wherever possible)", _has_workload),
    ("eqf_level", "Level (EQF), if applicable", lambda s: s.eqf_level is not None),
    ("assessment_type", "Type of assessment", lambda s: bool(s.assessment_type)),
    ("participation_form", "Form of participation", lambda s: bool(s.participation_form)),
    ("quality_assurance", "Type of quality assurance", lambda s: s.quality_assurance is not None),
)

OPTIONAL: tuple[tuple[str, str, Check], ...] = (
    ("prerequisites", "Prerequisites needed to enrol", lambda s: bool(s.prerequisites)),
    (
        "supervision_identity_verification",
        "Supervision and identity verification during assessment",
        lambda s: bool(s.supervision),
    ),
    ("grade", "Grade achieved (grading scheme)", lambda s: len(s.grading) > 0),
    ("stackability", "Integration/stackability options", lambda s: bool(s.stackability)),
    ("further_information", "Further information", lambda s: bool(s.further_information)),
)


def _mandatory_status(spec: MicroCredentialSpec, element_id: str, check: Check | None) -> Status:
    if check is None:
        return AT_ISSUANCE
    if check(spec):
        return "present"
    if element_id == "eqf_level" and spec.achievement_type != MICRO_CREDENTIAL:
        return "not_applicable"
    return "missing"


def check_compliance(spec: MicroCredentialSpec) -> ComplianceReport:
    """Which Annex I elements the specification carries, and whether all mandatory ones are."""
    elements = [
        Element(element_id, label, True, _mandatory_status(spec, element_id, check))
        for element_id, label, check in MANDATORY
    ]
    elements += [
        Element(element_id, label, False, "present" if check(spec) else "absent")
        for element_id, label, check in OPTIONAL
    ]
    missing = [e.id for e in elements if e.status == "missing"]
    return ComplianceReport(
        compliant=not missing,
        missing=missing,
        present=[e.id for e in elements if e.mandatory and e.status in ("present", AT_ISSUANCE)],
        optional_present=[e.id for e in elements if not e.mandatory and e.status == "present"],
        elements=elements,
    )
