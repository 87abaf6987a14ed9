"""Demo micro-credentials for the cultural and creative industries (idempotent).

Four published specifications: three small ones (EQF 4) that stack into a larger one (EQF 5,
6 ECTS), each with every CR2022 Annex I element, aligned to the demo framework's competencies.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import Achievement, Framework, Issuer
from credex.frameworks.demo import DEMO_NAMESPACE, competency_id, demo_esco_uri, has_esco_skill

QUALITY_ASSURANCE = {
    "type": "Internal quality assurance aligned with EQAVET, with external review",
    "body": "CREDEX project quality board (demo)",
    "url": None,
}
PASS_MERIT_DISTINCTION = [
    {
        "name": "Final grade",
        "result_type": "LetterGrade",
        "allowed_values": ["Pass", "Merit", "Distinction"],
        "required_value": "Pass",
        "value_min": None,
        "value_max": None,
    }
]

PARENT = "digital-entrepreneurship-cci"
# slug → fields; outcomes are (English text, competency codes).
DEMO_SPECS: dict[str, dict[str, Any]] = {
    PARENT: {
        "name": "Digital entrepreneurship in the cultural and creative industries",
        "description": "Turn a creative idea into a viable venture: business model, funding, "
        "audience and rights, brought together in a business plan and a pitch.",
        "eqf_level": 5,
        "ects": "6",
        "hours": "150",
        "form": "blended",
        "supervision": "supervised_with_id_check",
        "assessment": "Business plan assessed with a published rubric, and a live pitch to a panel",
        "outcomes": [
            ("Develop a business model and budget for a creative venture", ["E2.1", "E2.2"]),
            ("Pitch a creative venture convincingly to funders and partners", ["E2.3"]),
            ("Plan audience development and rights management for the venture", ["D2.1", "L2.1"]),
        ],
        "stackability": "standalone",
    },
    "digital-storytelling-heritage": {
        "name": "Digital storytelling for cultural heritage",
        "description": "Plan and produce short digital stories that make a heritage collection "
        "accessible to new audiences.",
        "eqf_level": 4,
        "ects": "2",
        "hours": "50",
        "form": "online",
        "supervision": "unsupervised_no_id_check",
        "assessment": "Portfolio: a short digital story about a heritage item, reviewed by a "
        "tutor and peers",
        "outcomes": [
            ("Plan a cross-media narrative around a heritage collection", ["D1.1"]),
            ("Produce accessible short-form video and audio content", ["D1.2", "D2.2"]),
        ],
        "stackability": "stackable",
    },
    "crowdfunding-audience": {
        "name": "Crowdfunding and audience development",
        "description": "Design a reward-based crowdfunding campaign and grow the community "
        "that backs it.",
        "eqf_level": 4,
        "ects": "2",
        "hours": "50",
        "form": "blended",
        "supervision": "supervised_no_id_check",
        "assessment": "Campaign plan and mock campaign page, assessed by a tutor against "
        "published criteria",
        "outcomes": [
            ("Design a reward-based crowdfunding campaign", ["E1.1"]),
            ("Build an audience of backers using social media analytics", ["E1.2", "D2.1"]),
        ],
        "stackability": "stackable",
    },
    "ip-basics-creatives": {
        "name": "Intellectual property basics for creatives",
        "description": "Recognise the rights in creative work and license them knowingly.",
        "eqf_level": 4,
        "ects": "1.5",
        "hours": "40",
        "form": "online",
        "supervision": "supervised_with_id_check",
        "assessment": "Proctored online quiz and a written licensing case study",
        "outcomes": [
            ("Identify copyright and related rights in creative works", ["L1.1"]),
            ("Choose a suitable licence, including Creative Commons, for a work", ["L1.2"]),
        ],
        "stackability": "stackable",
    },
}


def demo_achievement_id(issuer_id: uuid.UUID, slug: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"achievement:{issuer_id}:{slug}")


def ensure_demo_achievements(
    session: Session, issuer: Issuer, framework: Framework
) -> list[Achievement]:
    """The four published demo achievements of `issuer` (the stack's target first)."""
    del framework  # competencies are addressed by their fixed demo ids
    achievements = []
    parent_id = demo_achievement_id(issuer.id, PARENT)
    for slug, spec in DEMO_SPECS.items():
        achievement_id = demo_achievement_id(issuer.id, slug)
        existing = session.get(Achievement, achievement_id)
        if existing is None:
            stacks_into = [str(parent_id)] if slug != PARENT else []
            existing = _demo_row(achievement_id, issuer.id, spec, stacks_into)
            session.add(existing)
            session.flush()
        achievements.append(existing)
    return achievements


def _demo_row(
    achievement_id: uuid.UUID, issuer_id: uuid.UUID, spec: dict[str, Any], stacks_into: list[str]
) -> Achievement:
    return Achievement(
        id=achievement_id,
        issuer_id=issuer_id,
        status="published",
        published_at=utcnow(),
        language="en",
        version="1.0",
        achievement_type="MicroCredential",
        name={"en": spec["name"]},
        description={"en": spec["description"]},
        criteria_narrative=None,
        eqf_level=spec["eqf_level"],
        ects_credits=Decimal(spec["ects"]),
        workload_hours=Decimal(spec["hours"]),
        learning_outcomes=[
            {
                "description": {"en": text},
                "competency_ids": [str(competency_id(code)) for code in codes],
                "esco_uris": sorted({demo_esco_uri(c) for c in codes if has_esco_skill(c)}),
            }
            for text, codes in spec["outcomes"]
        ],
        assessment_type=spec["assessment"],
        participation_form=spec["form"],
        quality_assurance=dict(QUALITY_ASSURANCE),
        prerequisites={"en": "None; basic digital literacy is recommended."},
        supervision=spec["supervision"],
        result_descriptions=[dict(scheme) for scheme in PASS_MERIT_DISTINCTION],
        stackability=spec["stackability"],
        stacks_into=stacks_into,
        further_information={"en": "Part of the CREDEX demo catalogue."},
        validity_months=None,
    )
