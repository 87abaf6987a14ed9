"""The issuer's public page (`GET /issuers/{id}` for browsers): its OB Profile, for people.

Built from the very Profile JSON machines get, so it shows nothing more about the issuer than
that, plus two things the issuer writes for the public but OB's Profile has no term for (its
quality assurance and accreditation note, Annex I element 11) and its published achievements.
Nothing about learners or credentials, no key material beyond the DID document's public keys,
no drafts and no retired achievements (they stay reachable from credentials that name them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from credex.achievements import repository as achievements
from credex.db.models import Achievement, Issuer
from credex.i18n import N_
from credex.issuers.public import did_document_url, profile_url, public_profile_document
from credex.recognition.endorsement_store import endorsements_of
from credex.settings import Settings
from credex.web.document_pages import (
    number_text,
    page_image,
    render_document_page,
    term_words,
    web_url,
)
from credex.web.names import country_name
from credex.web.templating import localized


@dataclass(frozen=True)
class OfferedAchievement:
    """One line of the issuer's catalogue: enough to choose, the rest is on its own page."""

    title: str
    href: str
    description: str
    eqf_level: int | None
    ects: str | None
    workload: str | None
    version: str


def offered(achievement: Achievement) -> OfferedAchievement:
    lang = achievement.language
    hours = number_text(achievement.workload_hours)
    return OfferedAchievement(
        title=localized(achievement.name, lang) or "Achievement",
        href=f"/achievements/{achievement.id}",
        description=localized(achievement.description, lang),
        eqf_level=achievement.eqf_level,
        ects=number_text(achievement.ects_credits),
        workload=f"{hours} hours" if hours else None,
        version=achievement.version,
    )


def address_lines(address: dict[str, Any] | None) -> list[str]:
    """An OB Address as the lines of a postal address (country named, not coded)."""
    if not address:
        return []
    town = " ".join(
        str(address[term]) for term in ("postalCode", "addressLocality") if address.get(term)
    )
    country = address.get("addressCountry") or (
        country_name(address["addressCountryCode"]) if address.get("addressCountryCode") else ""
    )
    lines = [
        address.get("streetAddress"),
        f"PO Box {address['postOfficeBoxNumber']}" if address.get("postOfficeBoxNumber") else None,
        town,
        address.get("addressRegion"),
        country,
    ]
    return [str(line) for line in lines if line]


def issuer_view(issuer: Issuer, profile: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Template data from the public Profile (and the issuer's public QA statement)."""
    name = str(profile["name"])
    image = profile.get("image") or {}
    qa = issuer.quality_assurance or None
    return {
        "id": issuer.id,
        "name": name,
        "description": profile.get("description") or "",
        "url": web_url(profile.get("url")),
        "email": profile.get("email"),
        "phone": profile.get("phone"),
        "image": page_image(image.get("id"), f"Logo of {name}", own_origin=base_url),
        "address": address_lines(profile.get("address")),
        "identifiers": [
            (term_words(entry["identifierType"]), entry["identifier"])
            for entry in profile.get("otherIdentifier", [])
        ],
        "did": profile["id"],
        # did:key issuers have no did.json: their identifier is their public key
        "did_document_url": None if issuer.did else did_document_url(issuer.id, base_url),
        "quality_assurance": {
            "type": qa.get("type"),
            "body": qa.get("body"),
            "url": web_url(qa.get("url")),
        }
        if qa
        else None,
        "accreditation_note": issuer.accreditation_note,
    }


def render_issuer_page(request: Request, session: Session, issuer: Issuer) -> Response:
    settings: Settings = request.app.state.settings
    profile = public_profile_document(issuer, settings.base_url)
    view = issuer_view(issuer, profile, settings.base_url)
    catalogue = sorted(
        (offered(row) for row in achievements.published_achievements_of_issuer(session, issuer.id)),
        key=lambda item: item.title.casefold(),
    )
    return render_document_page(
        request,
        "public/issuer.html",
        title=view["name"],
        page_url=profile_url(issuer.id, settings.base_url),
        summary=view["description"] or f"Micro-credentials issued by {view['name']}.",
        image=(profile.get("image") or {}).get("id"),
        document=profile,
        filename=f"issuer-{issuer.id}.json",
        download_label=N_("Download the Open Badges Profile (JSON-LD)"),
        issuer=view,
        endorsements=endorsements_of(session, issuer_id=issuer.id),
        achievements=catalogue,
    )
