"""Row → response shape conversions shared by the API and the pages."""

from __future__ import annotations

from datetime import datetime

from credex.db.models import ExternalCredential, Issuer, ShareLink
from credex.issuers.public import issuer_identifier
from credex.wallet.facts import as_float
from credex.wallet.schemas import ImportedCredentialRead, IssuerSummary, ShareLinkRead
from credex.wallet.sharing import is_active


def share_link_read(link: ShareLink, now: datetime) -> ShareLinkRead:
    return ShareLinkRead(
        id=link.id,
        credential_id=link.credential_id,
        label=link.label,
        prefix=link.prefix,
        created_at=link.created_at,
        expires_at=link.expires_at,
        revoked_at=link.revoked_at,
        last_opened_at=link.last_opened_at,
        open_count=link.open_count,
        active=is_active(link, now),
        show_name=link.show_name,
    )


def issuer_summary(issuer: Issuer, base_url: str) -> IssuerSummary:
    return IssuerSummary(
        id=issuer.id, name=issuer.name, did=issuer_identifier(issuer, base_url), url=issuer.url
    )


def imported_read(row: ExternalCredential, issuer: Issuer, base_url: str) -> ImportedCredentialRead:
    return ImportedCredentialRead(
        id=row.id,
        kept_with_issuer=issuer_summary(issuer, base_url),
        format=row.format,
        credential_issuer=row.credential_issuer,
        credential_url=row.credential_url,
        achievement_name=row.achievement_name,
        awarded_at=row.awarded_at,
        eqf_level=row.eqf_level,
        ects=as_float(row.ects_credits),
        verified=row.verified,
        checked_at=row.checked_at,
        checks=row.checks,
    )
