"""The files of one credential: as issued, baked into a PNG and an SVG, and a PDF certificate.

The credential file is the stored text byte for byte (`credential.json` for Data Integrity,
`credential.jwt` for a VC-JWT): it is what the issuer signed. Baking (OB 3.0 §"Badge Baking")
embeds the same credential in the badge picture, so the image alone is verifiable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credex import i18n
from credex.core.baking import bake_png, bake_svg
from credex.core.errors import CoreError
from credex.db.models import Credential
from credex.errors import NotFound
from credex.issuance.document import credential_url
from credex.wallet import badge_image
from credex.wallet.certificate import CertificateFacts, certificate_pdf
from credex.wallet.facts import (
    achievement_facts,
    entry_standing,
    issued_language,
    learner_display_name,
)
from credex.wallet.repository import WalletEntry

JSON_MEDIA_TYPE = "application/vc+ld+json"
JWT_MEDIA_TYPE = "application/vc+jwt"


@dataclass(frozen=True)
class CredentialFile:
    name: str
    media_type: str
    data: bytes
    carries_credential: bool  # the signed credential is inside (verifiable on its own)


def _payload(credential: Credential) -> dict[str, Any] | str:
    document = credential.document
    return document if document is not None else credential.content


def document_file(credential: Credential) -> CredentialFile:
    if credential.format == "jwt":
        return CredentialFile("credential.jwt", JWT_MEDIA_TYPE, credential.content.encode(), True)
    return CredentialFile("credential.json", JSON_MEDIA_TYPE, credential.content.encode(), True)


def baked_png_file(entry: WalletEntry) -> CredentialFile:
    payload = _payload(entry.credential)
    try:
        data = bake_png(badge_image.badge_png(entry.achievement), payload)
    except CoreError:  # the achievement's own picture is not a PNG we can splice into
        data = bake_png(badge_image.generated_badge_png(entry.achievement), payload)
    return CredentialFile("badge.png", "image/png", data, True)


def baked_svg_file(entry: WalletEntry) -> CredentialFile:
    payload = _payload(entry.credential)
    try:
        text = bake_svg(badge_image.badge_svg(entry.achievement), payload)
    except CoreError:
        text = bake_svg(badge_image.generated_badge_svg(entry.achievement), payload)
    return CredentialFile("badge.svg", "image/svg+xml", text.encode(), True)


def certificate_file(entry: WalletEntry, base_url: str, now: datetime) -> CredentialFile:
    """The PDF certificate, in the credential's language (its Achievement's `inLanguage`)."""
    credential, achievement = entry.credential, entry.achievement
    url = credential_url(credential.id, base_url)
    content_language = issued_language(credential) or achievement.language
    facts = achievement_facts(achievement, content_language)
    labels = i18n.supported(content_language) or i18n.DEFAULT_LANGUAGE
    standing = entry_standing(entry, now)
    note = None if standing.good else f"{i18n.gettext(labels, standing.words)}."
    document = document_file(credential)
    pdf = certificate_pdf(
        CertificateFacts(
            title=facts.title,
            learner=learner_display_name(entry.learner),
            issuer=entry.issuer.name,
            description=facts.description,
            eqf_level=achievement.eqf_level,
            ects=facts.ects,
            workload=facts.workload,
            learning_outcomes=facts.learning_outcomes,
            valid_from=credential.valid_from,
            valid_until=credential.valid_until,
            issued_at=credential.created_at,
            credential_id=url,
            verify_url=url,
            status_note=note,
            badge_image=badge_image.print_badge_jpeg(achievement),
            attachment=(document.name, document.data),
            language=labels,
        )
    )
    return CredentialFile("certificate.pdf", "application/pdf", pdf, False)


def credential_files(entry: WalletEntry, base_url: str, now: datetime) -> list[CredentialFile]:
    return [
        document_file(entry.credential),
        baked_png_file(entry),
        baked_svg_file(entry),
        certificate_file(entry, base_url, now),
    ]


def file_of_kind(entry: WalletEntry, kind: str, base_url: str, now: datetime) -> CredentialFile:
    if kind in ("json", "jwt"):
        issued_as = "jwt" if entry.credential.format == "jwt" else "json"
        if kind != issued_as:
            raise NotFound(f"this credential was issued as {issued_as}; download `{issued_as}`")
        return document_file(entry.credential)
    if kind == "png":
        return baked_png_file(entry)
    if kind == "svg":
        return baked_svg_file(entry)
    return certificate_file(entry, base_url, now)
