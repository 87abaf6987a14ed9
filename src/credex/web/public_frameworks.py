"""The public framework browser (no sign-in): published frameworks, their competency trees, and
one page per competency, which is where credentials' alignments (`targetUrl`) point.

Drafts are never shown. Retired versions stay reachable by address, marked as retired, because
credentials issued while they were published still link to them.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic_core import PydanticCustomError

from credex.db.models import Competency
from credex.deps import SessionDep
from credex.errors import NotFound
from credex.frameworks import service
from credex.frameworks.competencies import FrameworkTree, framework_tree
from credex.frameworks.fields import canonical_language_tag
from credex.pagination import CursorParam
from credex.web.templating import PageRoute, render

router = APIRouter(prefix="/frameworks", route_class=PageRoute, include_in_schema=False)


def available_languages(tree: FrameworkTree) -> list[str]:
    """The framework's languages, its default first."""
    default = tree.framework.default_language
    found = set(tree.framework.title)
    for entry in tree.entries:
        found.update(entry.competency.title)
    return [default, *sorted(found - {default})]


def chosen_language(requested: str, languages: list[str]) -> str:
    try:
        tag = canonical_language_tag(requested) if requested else ""
    except PydanticCustomError:
        tag = ""
    return tag if tag in languages else languages[0]


@router.get("")
def browse(
    request: Request, session: SessionDep, q: str = "", cursor: CursorParam = None
) -> Response:
    rows, next_cursor = service.list_frameworks(
        session, q=q[:200], status="published", limit=25, cursor=cursor, public=True
    )
    return render(
        request,
        "frameworks/list.html",
        title="Competency frameworks",
        frameworks=rows,
        q=q,
        next_cursor=next_cursor,
    )


@router.get("/{framework_id}")
def framework_page(
    request: Request, session: SessionDep, framework_id: uuid.UUID, lang: str = ""
) -> Response:
    tree = framework_tree(session, framework_id, public=True)
    languages = available_languages(tree)
    language = chosen_language(lang, languages)
    framework = tree.framework
    return render(
        request,
        "frameworks/detail.html",
        content_lang=language,
        title=framework.title.get(language) or framework.title[framework.default_language],
        framework=framework,
        children=tree.children(),
        languages=languages,
    )


@router.get("/{framework_id}/competencies/{competency_id}")
def competency_page(
    request: Request,
    session: SessionDep,
    framework_id: uuid.UUID,
    competency_id: uuid.UUID,
    lang: str = "",
) -> Response:
    tree = framework_tree(session, framework_id, public=True)
    by_id = {entry.competency.id: entry.competency for entry in tree.entries}
    competency = by_id.get(competency_id)
    if competency is None:
        raise NotFound("no such competency in this framework")
    language = chosen_language(lang, available_languages(tree))
    ancestors: list[Competency] = []
    parent_id = competency.parent_id
    while parent_id is not None and parent_id in by_id and len(ancestors) < len(by_id):
        ancestors.insert(0, by_id[parent_id])
        parent_id = by_id[parent_id].parent_id
    children = [c for c in by_id.values() if c.parent_id == competency.id]
    return render(
        request,
        "frameworks/competency.html",
        content_lang=language,
        title=competency.title.get(language) or competency.code,
        framework=tree.framework,
        competency=competency,
        ancestors=ancestors,
        children=sorted(children, key=lambda c: (c.position, c.code)),
    )
