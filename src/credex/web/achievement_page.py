"""The public page of a published achievement (`GET /achievements/{id}` for browsers).

Shows what the OB Achievement JSON says, resolved the same way (`achievement_spec`, so the two
never disagree), in the order a learner or employer reads it: what it is and its EU facts, the
learning outcomes and their skills, how it is assessed and quality-assured, where it stacks,
its issuer and versions, and the JSON itself. Only published or retired achievements reach it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from credex.achievements import repository
from credex.core.credentials.microcredential import (
    EQF_TARGET_TYPE,
    MICRO_CREDENTIAL,
    GradingScheme,
    MicroCredentialSpec,
)
from credex.db.models import Achievement
from credex.i18n import N_
from credex.recognition.endorsement_store import endorsements_of
from credex.web.document_pages import (
    number_text,
    page_image,
    render_document_page,
    term_words,
    web_url,
)
from credex.web.names import language_name
from credex.web.templating import localized

PARTICIPATION_WORDS = {
    "online": N_("Online"),
    "onsite": N_("On site"),
    "blended": N_("Blended (online and on site)"),
}
SUPERVISION_WORDS = {
    "unsupervised_no_id_check": N_("Not supervised; the learner's identity is not checked"),
    "supervised_no_id_check": N_("Supervised; the learner's identity is not checked"),
    "supervised_with_id_check": N_("Supervised, with a check of the learner's identity"),
}
STACKABILITY_WORDS = {
    "standalone": N_("Stand-alone: a complete credential on its own"),
    "stackable": N_("Stackable: it can be combined with others into a larger credential"),
}
RESULT_TYPE_WORDS = {"GradePointAverage": N_("Grade point average (GPA)")}
ESCO_PREFIX = "http://data.europa.eu/esco/"


@dataclass(frozen=True)
class Skill:
    """A competency or ESCO skill an outcome is aligned to, ready to link."""

    name: str
    framework: str
    code: str | None
    url: str | None

    @property
    def is_esco(self) -> bool:
        return bool(self.url and self.url.startswith(ESCO_PREFIX))


@dataclass(frozen=True)
class PageLink:
    href: str
    text: str


def type_words(achievement_type: str) -> str:
    """`MicroCredential` → `Micro-credential`; other OB types split into words."""
    if achievement_type == MICRO_CREDENTIAL:
        return N_("Micro-credential")
    return term_words(achievement_type)


def validity_words(months: int | None) -> str:
    if not months:
        return "No end date: credentials do not expire"
    if months % 12 == 0:
        years = months // 12
        span = f"{years} year{'s' if years > 1 else ''}"
    else:
        span = f"{months} month{'s' if months > 1 else ''}"
    return f"{span} from the day a credential is issued"


def grading_words(scheme: GradingScheme) -> dict[str, str]:
    """One grading scheme as sentences: the grades, the one needed to pass, the range."""
    parts = []
    if scheme.allowed_values:
        parts.append("Grades: " + ", ".join(scheme.allowed_values) + ".")
    if scheme.required_value:
        parts.append(f"At least {scheme.required_value} is needed.")
    if scheme.value_min is not None and scheme.value_max is not None:
        parts.append(f"From {scheme.value_min} to {scheme.value_max}.")
    return {
        "name": scheme.name,
        "kind": RESULT_TYPE_WORDS.get(scheme.result_type) or term_words(scheme.result_type),
        "detail": " ".join(parts),
    }


def alignment_view(alignment: dict[str, Any]) -> Skill:
    return Skill(
        name=str(alignment.get("targetName", "")),
        framework=str(alignment.get("targetFramework", "")),
        code=alignment.get("targetCode"),
        url=web_url(alignment.get("targetUrl")),
    )


def _public_link(session: Session, achievement_id: uuid.UUID) -> PageLink | None:
    target = repository.find_public_achievement(session, achievement_id)
    if target is None:
        return None
    title = localized(target.name, target.language) or "Achievement"
    return PageLink(f"/achievements/{target.id}", f"{title} (version {target.version})")


def versions_view(session: Session, achievement: Achievement) -> dict[str, PageLink | None]:
    successor = repository.public_successor(session, achievement.id)
    return {
        "previous": _public_link(session, achievement.previous_version_id)
        if achievement.previous_version_id
        else None,
        "next": _public_link(session, successor.id) if successor else None,
    }


def stacks_into_view(session: Session, achievement: Achievement) -> list[PageLink]:
    """The larger credentials this one counts towards (only those that are public)."""
    links = (_public_link(session, uuid.UUID(str(target))) for target in achievement.stacks_into)
    return [link for link in links if link is not None]


def achievement_view(
    session: Session,
    achievement: Achievement,
    spec: MicroCredentialSpec,
    document: dict[str, Any],
) -> dict[str, Any]:
    """Template data: the spec's resolved values plus status, validity and version links."""
    creator = spec.creator or {}
    qa = spec.quality_assurance
    return {
        "id": achievement.id,
        "url": spec.id,
        "title": spec.name,
        "description": spec.description,
        "type": type_words(spec.achievement_type),
        "image": page_image(spec.image, f"Badge of {spec.name}"),
        "criteria": document["criteria"]["narrative"],
        "eqf_level": spec.eqf_level,
        "eqf_url": next(
            (
                alignment["targetUrl"]
                for alignment in document.get("alignment", [])
                if alignment.get("targetType") == EQF_TARGET_TYPE
            ),
            None,
        ),
        "national_level": f"{spec.national_level.country_name}: {spec.national_level.label}"
        if spec.national_level
        else None,
        "endorsements": endorsements_of(session, achievement_id=achievement.id),
        "ects": number_text(spec.ects_credits),
        "workload": number_text(spec.workload_hours),
        "outcomes": [
            {
                "description": outcome.description,
                "skills": [
                    Skill(target.name, target.framework, target.code, web_url(target.url))
                    for target in outcome.alignments
                ],
            }
            for outcome in spec.learning_outcomes
        ],
        "assessment": spec.assessment_type,
        "participation": PARTICIPATION_WORDS.get(spec.participation_form or "")
        or spec.participation_form,
        "supervision": SUPERVISION_WORDS.get(spec.supervision or "") or spec.supervision,
        "grading": [grading_words(scheme) for scheme in spec.grading],
        "quality_assurance": {"type": qa.type, "body": qa.body, "url": web_url(qa.url)}
        if qa
        else None,
        "prerequisites": spec.prerequisites,
        "validity": validity_words(achievement.validity_months),
        "validity_months": achievement.validity_months,
        "language": language_name(spec.language),
        "language_tag": spec.language,
        "stackability": STACKABILITY_WORDS.get(spec.stackability or "") or spec.stackability,
        "stacks_into": stacks_into_view(session, achievement),
        "further_information": spec.further_information,
        "issuer": {
            "name": creator.get("name") or spec.awarding_body or "Issuer",
            "href": f"/issuers/{achievement.issuer_id}",
            "did": creator.get("id"),
        },
        "version": spec.version,
        "status": achievement.status,
        "published_at": achievement.published_at,
        "retired_at": achievement.retired_at,
        "versions": versions_view(session, achievement),
        "alignments": [alignment_view(alignment) for alignment in document.get("alignment", [])],
    }


def _sharing_text(view: dict[str, Any]) -> str:
    facts = [f"EQF level {view['eqf_level']}" if view["eqf_level"] else None]
    facts.append(f"{view['ects']} ECTS" if view["ects"] else None)
    stated = ", ".join(fact for fact in facts if fact)
    by = f"{view['type']} by {view['issuer']['name']}"
    return f"{by}{' (' + stated + ')' if stated else ''}. {view['description']}"


def render_achievement_page(
    request: Request,
    session: Session,
    achievement: Achievement,
    spec: MicroCredentialSpec,
    document: dict[str, Any],
) -> Response:
    view = achievement_view(session, achievement, spec, document)
    return render_document_page(
        request,
        "public/achievement.html",
        title=view["title"],
        page_url=spec.id,
        summary=_sharing_text(view),
        image=spec.image,
        document=document,
        filename=f"achievement-{achievement.id}.json",
        download_label=N_("Download the Open Badges Achievement (JSON-LD)"),
        achievement=view,
    )
