"""The demo competency framework for the cultural and creative industries (idempotent).

Ids are UUIDv5 under a fixed namespace, so the demo achievements can reference competencies by
code (`competency_id("D1.1")`) and a reload changes nothing.

Real ESCO skills: each leaf competency carries the URI of the closest ESCO skill concept, found
with the offline ESCO search (`credex.esco`, the skills list shipped with credex).
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import Framework
from credex.frameworks import repository
from credex.frameworks.fields import ESCO_SKILL_PREFIX
from credex.frameworks.service import competency_search_text, framework_search_text
from credex.frameworks.tree import depth_first

DEMO_NAMESPACE = uuid.UUID("5b1f1f0e-6a43-5c8e-9d1e-43a2f7c0c3d1")
DEMO_FRAMEWORK_ID = uuid.uuid5(DEMO_NAMESPACE, "framework:cci-digital-entrepreneurship")

# code → (parent code, English title, Italian title, EQF level, skill type)
_COMPETENCIES: dict[str, tuple[str | None, str, str, int | None, str | None]] = {
    "D": (
        None,
        "Digital creation and communication",
        "Creazione e comunicazione digitale",
        None,
        None,
    ),
    "D1": ("D", "Digital storytelling", "Narrazione digitale", 4, "skill/competence"),
    "D1.1": (
        "D1",
        "Plan a cross-media narrative",
        "Progettare una narrazione crossmediale",
        4,
        "skill/competence",
    ),
    "D1.2": (
        "D1",
        "Produce accessible audio and video",
        "Produrre audio e video accessibili",
        4,
        "skill/competence",
    ),
    "D2": ("D", "Audiences and platforms", "Pubblici e piattaforme", 4, "skill/competence"),
    "D2.1": (
        "D2",
        "Grow an audience with social media analytics",
        "Sviluppare un pubblico con l'analisi dei social media",
        4,
        "skill/competence",
    ),
    "D2.2": (
        "D2",
        "Publish accessible content online",
        "Pubblicare contenuti accessibili online",
        4,
        "skill/competence",
    ),
    "E": (None, "Creative entrepreneurship", "Imprenditorialità creativa", None, None),
    "E1": (
        "E",
        "Funding a creative project",
        "Finanziare un progetto creativo",
        4,
        "skill/competence",
    ),
    "E1.1": (
        "E1",
        "Design a reward-based crowdfunding campaign",
        "Progettare una campagna di crowdfunding a ricompensa",
        4,
        "skill/competence",
    ),
    "E1.2": (
        "E1",
        "Engage a community of backers",
        "Coinvolgere una comunità di sostenitori",
        4,
        "transversal",
    ),
    "E2": (
        "E",
        "Building a creative venture",
        "Costruire un'impresa creativa",
        5,
        "skill/competence",
    ),
    "E2.1": (
        "E2",
        "Develop a business model",
        "Sviluppare un modello di business",
        5,
        "skill/competence",
    ),
    "E2.2": ("E2", "Plan a budget", "Pianificare un budget", 5, "knowledge"),
    "E2.3": (
        "E2",
        "Pitch to funders and partners",
        "Presentare il progetto a finanziatori e partner",
        5,
        "transversal",
    ),
    "L": (None, "Rights and licensing", "Diritti e licenze", None, None),
    "L1": ("L", "Intellectual property", "Proprietà intellettuale", 4, "knowledge"),
    "L1.1": (
        "L1",
        "Identify copyright and related rights",
        "Riconoscere il diritto d'autore e i diritti connessi",
        4,
        "knowledge",
    ),
    "L1.2": (
        "L1",
        "Choose a licence for a work",
        "Scegliere una licenza per un'opera",
        4,
        "skill/competence",
    ),
    "L2": ("L", "Rights management", "Gestione dei diritti", 5, "skill/competence"),
    "L2.1": (
        "L2",
        "Manage the rights of a creative venture",
        "Gestire i diritti di un'impresa creativa",
        5,
        "skill/competence",
    ),
}


def competency_id(code: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"competency:{code}")


# leaf code → the closest ESCO skill concept (its label in the comment)
_ESCO_SKILLS = {
    "D1.1": "8fd96f45-e2ff-48e3-8829-5f25684993b9",  # write storylines
    "D1.2": "bcc0db5f-c1e8-4f08-b68b-020396ef07b9",  # use audio reproduction software
    "D2.1": "5303169c-75d6-4751-9136-a4b88343388c",  # social media management
    "D2.2": "c1f29568-f2bb-49d2-b6c2-28748bd1629b",  # manage online content
    "E1.1": "27ddcef9-8522-4699-b0e6-2e2b10fd6d13",  # create a crowdfunding campaign
    "E1.2": "1fc03dc8-0ee0-4876-83ec-86e0bfcb3876",  # crowdfunding
    "E2.1": "658605f2-1c95-49f0-bd98-0af7b15ad0b0",  # entrepreneurship
    "E2.2": "dccbdbb8-7266-4fb4-a4cf-29056f102f12",  # budget for financial needs
    "E2.3": "3556c075-eee0-4549-b730-48ae70cb5af9",  # funding methods
    "L1.1": "e2103a1d-4a84-47a9-b4f7-774787573449",  # copyright legislation
    "L1.2": "0d4471ae-3820-4c23-8566-f44a7bd159b2",  # prepare licence agreements
    "L2.1": "2ad081e6-0a3f-4612-ac15-7ace75d39e26",  # intellectual property law
}


def has_esco_skill(code: str) -> bool:
    return code in _ESCO_SKILLS


def demo_esco_uri(code: str) -> str:
    """The real ESCO skill concept closest to a leaf competency of the demo framework."""
    return f"{ESCO_SKILL_PREFIX}{_ESCO_SKILLS[code]}"


def ensure_demo_framework(session: Session) -> Framework:
    """The published demo framework, created on first call."""
    existing = repository.find_framework(session, DEMO_FRAMEWORK_ID)
    if existing is not None:
        return existing
    title = {
        "en": "Digital and entrepreneurial skills for CCI professionals",
        "it": "Competenze digitali e imprenditoriali per i professionisti delle ICC",
    }
    framework = Framework(
        id=DEMO_FRAMEWORK_ID,
        title=title,
        description={"en": "Demo framework loaded by the credex demo command."},
        default_language="en",
        version="1.0",
        publisher="CREDEX demo",
        license="CC-BY-4.0",
        status="published",
        published_at=utcnow(),
        search_text=framework_search_text(title, "CREDEX demo"),
    )
    session.add(framework)
    session.flush()
    order = list(_COMPETENCIES)
    parents = {code: spec[0] for code, spec in _COMPETENCIES.items()}
    rows = []
    for code, _depth in depth_first(parents, order.index):
        parent, english, italian, level, skill_type = _COMPETENCIES[code]
        titles = {"en": english, "it": italian}
        rows.append(
            {
                "id": competency_id(code),
                "framework_id": framework.id,
                "code": code,
                "title": titles,
                "description": {},
                "parent_id": competency_id(parent) if parent else None,
                "esco_uri": demo_esco_uri(code) if code.count(".") == 1 else None,
                "eqf_level": level,
                "skill_type": skill_type,
                "position": order.index(code),
                "search_text": competency_search_text(code, titles),
            }
        )
    repository.insert_competencies(session, rows)
    return framework
