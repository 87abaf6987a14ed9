"""Public documents: the OB 3.0 Achievement of a published specification, and the credex context.

Browsers asking for HTML get the achievement's page (`credex.web.achievement_page`) instead.

`achievement_document` is THE renderer: the public route serves it and issuance embeds the same
JSON (`embedded=True`, adding `credex_context_url(base_url)` to the credential's `@context`),
so a verifier sees identical Achievement data wherever it looks.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from sqlalchemy.orm import Session

from credex.achievements import repository
from credex.core.credentials.microcredential import (
    AlignmentTarget,
    GradingScheme,
    LearningOutcome,
    MicroCredentialSpec,
    NationalLevel,
    PreviousVersion,
    QualityAssurance,
    build_achievement,
)
from credex.core.credentials.vocab import OB_CONTEXT
from credex.core.credex_context import (
    CREDEX_CONTEXT_PATH,
    credex_context_bytes,
    credex_context_etag,
    register_credex_context,
)
from credex.db.models import Achievement, Competency, Framework, Issuer
from credex.deps import SessionDep, SettingsDep
from credex.errors import NotFound
from credex.issuers.public import issuer_profile
from credex.recognition.nqf import find_level
from credex.web.achievement_page import render_achievement_page
from credex.web.document_pages import negotiated, not_found
from credex.web.negotiation import prefers_html

JSON_LD = "application/ld+json"
ESCO_FRAMEWORK = "ESCO"
CONTEXT_CACHE_CONTROL = "public, max-age=31536000, immutable"  # versioned URL: never changes
ACHIEVEMENT_CACHE_CONTROL = "public, max-age=300"  # published content is immutable; status is not

router = APIRouter(tags=["public"])


def achievement_url(achievement_id: uuid.UUID, base_url: str) -> str:
    """The OB Achievement `id`: where anyone can fetch it without a token."""
    return f"{base_url}/achievements/{achievement_id}"


def competency_url(framework_id: uuid.UUID, competency_id: uuid.UUID, base_url: str) -> str:
    return f"{base_url}/frameworks/{framework_id}/competencies/{competency_id}"


def achievement_contexts(base_url: str) -> list[str]:
    """`@context` of a stand-alone Achievement (not a credential: no VC context)."""
    return [OB_CONTEXT, register_credex_context(base_url)]


def achievement_document(
    session: Session,
    achievement: Achievement,
    base_url: str,
    *,
    embedded: bool = False,
    language: str | None = None,
) -> dict[str, Any]:
    """The OB 3.0 Achievement JSON; with `@context` unless `embedded` in a credential.

    `language`: one of the achievement's languages to render the text in (default: its own).
    """
    document = build_achievement(achievement_spec(session, achievement, base_url, language))
    if embedded:
        return document
    return {"@context": achievement_contexts(base_url), **document}


def achievement_spec(
    session: Session, achievement: Achievement, base_url: str, language: str | None = None
) -> MicroCredentialSpec:
    """Resolve stored rows into the one-language, absolute-URL spec the builder renders.

    The text is in `language` when given (texts missing in it fall back to the achievement's
    own language), else in the achievement's own language.
    """
    issuer = session.get(Issuer, achievement.issuer_id)
    if issuer is None:  # the foreign key makes this impossible; keep mypy and readers honest
        raise NotFound(f"no issuer {achievement.issuer_id}")
    own = achievement.language
    lang = language or own
    previous = (
        session.get(Achievement, achievement.previous_version_id)
        if achievement.previous_version_id
        else None
    )
    qa = achievement.quality_assurance or issuer.quality_assurance
    return MicroCredentialSpec(
        id=achievement_url(achievement.id, base_url),
        name=_text(achievement.name, lang, own),
        description=_text(achievement.description, lang, own),
        language=lang,
        achievement_type=achievement.achievement_type,
        criteria_narrative=_optional_text(achievement.criteria_narrative, lang, own),
        image=achievement.image,
        version=achievement.version,
        eqf_level=achievement.eqf_level,
        ects_credits=achievement.ects_credits,
        workload_hours=achievement.workload_hours,
        learning_outcomes=_learning_outcomes(session, achievement, base_url, lang),
        assessment_type=achievement.assessment_type,
        participation_form=achievement.participation_form,
        quality_assurance=QualityAssurance(qa["type"], qa.get("body"), qa.get("url"))
        if qa
        else None,
        prerequisites=_optional_text(achievement.prerequisites, lang, own),
        supervision=achievement.supervision,
        grading=tuple(_grading(scheme) for scheme in achievement.result_descriptions),
        stackability=achievement.stackability,
        stacks_into=tuple(
            achievement_url(uuid.UUID(target), base_url) for target in achievement.stacks_into
        ),
        further_information=_optional_text(achievement.further_information, lang, own),
        awarding_body=issuer.name,
        issuer_country=issuer.country,
        creator=issuer_profile(issuer, base_url),
        previous_version=PreviousVersion(achievement_url(previous.id, base_url), previous.version)
        if previous
        else None,
        national_level=_national_level(session, achievement, base_url),
    )


def _national_level(
    session: Session, achievement: Achievement, base_url: str
) -> NationalLevel | None:
    stated = achievement.nqf
    found = find_level(session, stated["country"], stated["level"]) if stated else None
    if found is None:
        return None
    return NationalLevel(
        country=found.country,
        country_name=found.country_name,
        framework=found.framework,
        level=found.level,
        label=found.label,
        url=f"{base_url}/api/v1/nqf/{found.country}#level-{found.level}",
    )


def _text(language_map: dict[str, Any], lang: str, fallback: str | None = None) -> str:
    """The text in `lang`, else in `fallback`, else the first one given."""
    for tag in (lang, fallback):
        if tag and language_map.get(tag):
            return str(language_map[tag])
    return str(next(iter(language_map.values()), ""))


def _optional_text(
    language_map: dict[str, Any] | None, lang: str, fallback: str | None = None
) -> str | None:
    return (_text(language_map, lang, fallback) or None) if language_map else None


def _grading(scheme: dict[str, Any]) -> GradingScheme:
    return GradingScheme(
        name=scheme["name"],
        result_type=scheme["result_type"],
        allowed_values=tuple(scheme.get("allowed_values") or ()),
        required_value=scheme.get("required_value"),
        value_min=scheme.get("value_min"),
        value_max=scheme.get("value_max"),
    )


def _learning_outcomes(
    session: Session, achievement: Achievement, base_url: str, lang: str
) -> tuple[LearningOutcome, ...]:
    outcomes = achievement.learning_outcomes
    own = achievement.language
    competencies = repository.competencies_with_frameworks(
        session, {uuid.UUID(cid) for outcome in outcomes for cid in outcome["competency_ids"]}
    )
    named_skills = repository.competencies_by_esco_uri(
        session, {uri for outcome in outcomes for uri in outcome["esco_uris"]}
    )
    rendered = []
    for outcome in outcomes:
        targets = [
            _competency_target(*competencies[uuid.UUID(cid)], lang, base_url)
            for cid in outcome["competency_ids"]
            if uuid.UUID(cid) in competencies
        ]
        targets += [_esco_target(uri, named_skills.get(uri), lang) for uri in outcome["esco_uris"]]
        rendered.append(LearningOutcome(_text(outcome["description"], lang, own), tuple(targets)))
    return tuple(rendered)


def _competency_target(
    competency: Competency, framework: Framework, lang: str, base_url: str
) -> AlignmentTarget:
    fallback = framework.default_language
    return AlignmentTarget(
        name=_text(competency.title, lang, fallback),
        url=competency.esco_uri
        or competency.skill_uri
        or competency_url(framework.id, competency.id, base_url),
        framework=_text(framework.title, lang, fallback),
        code=competency.code,
        description=_optional_text(competency.description, lang, fallback),
    )


def _esco_target(uri: str, known: Competency | None, lang: str) -> AlignmentTarget:
    """ESCO labels are not shipped: a framework competency with this URI lends its title."""
    name = _text(known.title, lang) if known else f"ESCO skill {uri.rsplit('/', 1)[-1]}"
    return AlignmentTarget(name=name, url=uri, framework=ESCO_FRAMEWORK)


@router.get(
    CREDEX_CONTEXT_PATH,
    include_in_schema=True,
    summary="The credex JSON-LD context v1",
    responses={200: {"content": {JSON_LD: {}}}, 304: {"description": "not modified"}},
)
def credex_context(
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    etag = credex_context_etag()
    headers = {"ETag": etag, "Cache-Control": CONTEXT_CACHE_CONTROL}
    if if_none_match and etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(credex_context_bytes(), media_type=JSON_LD, headers=headers)


@router.get(
    "/achievements/{achievement_id}",
    summary="A published OB 3.0 Achievement (JSON-LD; HTML page for browsers)",
    responses={200: {"content": {JSON_LD: {}, "text/html": {}}}},
)
def public_achievement(
    achievement_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    accept: Annotated[str | None, Header()] = None,
) -> Response:
    wants_html = prefers_html(accept or "")
    achievement = repository.find_public_achievement(session, achievement_id)
    if achievement is None:
        return not_found(
            request,
            html=wants_html,
            detail=f"no published achievement {achievement_id}",
            page_detail="There is no published micro-credential at this address.",
        )
    if wants_html:
        spec = achievement_spec(session, achievement, settings.base_url)
        document = {"@context": achievement_contexts(settings.base_url), **build_achievement(spec)}
        return render_achievement_page(request, session, achievement, spec, document)
    document = achievement_document(session, achievement, settings.base_url)
    return _json_ld(document)


def _json_ld(document: dict[str, Any]) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return negotiated(Response(body, media_type=JSON_LD), ACHIEVEMENT_CACHE_CONTROL)
