"""The wallet's read side: the person's credentials across issuers, live status, downloads.

Services never commit; the request's unit of work does.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.auth.principal import Principal
from credex.db.models import Credential
from credex.elm import service as elm_service
from credex.errors import Conflict, NotFound
from credex.issuance.document import credential_url
from credex.pagination import paginate
from credex.settings import Settings
from credex.wallet import export, repository
from credex.wallet import import_ as imports
from credex.wallet.artifacts import CredentialFile, file_of_kind
from credex.wallet.facts import achievement_facts, as_float, entry_standing, live_status
from credex.wallet.repository import WalletEntry
from credex.wallet.schemas import AchievementSummary, WalletCredentialRead
from credex.wallet.sharing import linkedin_add_url
from credex.wallet.views import issuer_summary

API_PREFIX = "/api/v1/wallet"


def list_entries(
    session: Session, principal: Principal, *, limit: int, cursor: str | None
) -> tuple[list[WalletEntry], str | None]:
    rows, next_cursor = paginate(
        session,
        repository.credentials_of_person(principal),
        created_at=Credential.created_at,
        row_id=Credential.id,
        limit=limit,
        cursor=cursor,
    )
    return repository.entries(session, rows), next_cursor


def all_entries(session: Session, principal: Principal) -> list[WalletEntry]:
    return repository.entries(session, repository.all_credentials(session, principal))


def export_wallet(
    session: Session, principal: Principal, *, base_url: str, now: datetime, settings: Settings
) -> bytes:
    """The wallet zip: every issued credential, and those brought from elsewhere."""
    entries = all_entries(session, principal)
    return export.wallet_zip(
        entries,
        base_url=base_url,
        holder_email=principal.learner_email or "",
        now=now,
        imported=imports.distinct_imported(session, principal),
        extra=_elm_files(session, entries, settings),
    )


def _elm_files(
    session: Session, entries: list[WalletEntry], settings: Settings
) -> dict[uuid.UUID, list[CredentialFile]]:
    """Each credential's ELM rendering; one whose issuer profile cannot make one is left out."""
    files: dict[uuid.UUID, list[CredentialFile]] = {}
    for entry in entries:
        try:
            content = elm_service.rendering(session, entry.credential, settings, "elm")
        except Conflict:
            continue
        files[entry.credential.id] = [
            CredentialFile("elm.json", elm_service.ELM_MEDIA_TYPE, content.encode(), True)
        ]
    return files


def get_entry(session: Session, principal: Principal, credential_id: uuid.UUID) -> WalletEntry:
    credential = repository.find_credential(session, principal, credential_id)
    if credential is None:
        raise NotFound(f"no credential {credential_id} in this wallet")
    return repository.entries(session, [credential])[0]


def credential_download(
    session: Session,
    principal: Principal,
    credential_id: uuid.UUID,
    kind: str,
    *,
    base_url: str,
    now: datetime,
) -> CredentialFile:
    return file_of_kind(get_entry(session, principal, credential_id), kind, base_url, now)


def download_paths(entry: WalletEntry) -> dict[str, str]:
    base = f"{API_PREFIX}/credentials/{entry.credential.id}/files"
    document = "jwt" if entry.credential.format == "jwt" else "json"
    return {kind: f"{base}/{kind}" for kind in (document, "png", "svg", "pdf")}


def to_read(entry: WalletEntry, base_url: str, now: datetime) -> WalletCredentialRead:
    credential, achievement, issuer = entry.credential, entry.achievement, entry.issuer
    facts = achievement_facts(achievement)
    return WalletCredentialRead(
        id=credential.id,
        url=credential_url(credential.id, base_url),
        format="jwt" if credential.format == "jwt" else "ldp",
        status=live_status(entry, now),
        status_words=entry_standing(entry, now).words,
        public=credential.public,
        show_name=credential.show_name,
        achievement=AchievementSummary(
            id=achievement.id,
            name=facts.title,
            description=facts.description,
            achievement_type=achievement.achievement_type,
            url=achievement_url(achievement.id, base_url),
        ),
        issuer=issuer_summary(issuer, base_url),
        learner_name=entry.learner.name,
        eqf_level=achievement.eqf_level,
        ects=as_float(achievement.ects_credits),
        workload_hours=as_float(achievement.workload_hours),
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        issued_at=credential.created_at,
        revoked_at=credential.revoked_at,
        linkedin_url=linkedin_add_url(entry, base_url),
        downloads=download_paths(entry),
    )
