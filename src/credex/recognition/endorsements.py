"""Endorsers and their OB 3.0 `EndorsementCredential`s (OB 3.0 §B.1.6, §8.5 Endorsement).

An endorser (an employer, a sector council, a quality-assurance agency) is an organisation row
of kind "endorser": the same profile, did:web document and encrypted keys (`credex.keys`) as a
provider, but its tokens (role `endorser`) can only endorse. An endorsement of an achievement
or an issuer is signed with the endorser's Ed25519 key, published at `/endorsements/{id}`,
embedded in the `endorsement` of credentials issued afterwards for that achievement, and
withdrawn by setting its bit in the endorser's own revocation status list.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from credex.achievements.public import achievement_url
from credex.audit import service as audit
from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.auth.tokens import IssuedToken, create_token
from credex.core import sign_credential
from credex.core.credentials.builders import build_endorsement_credential
from credex.core.credentials.profile import Profile
from credex.core.status_list import build_status_entry
from credex.db.base import utcnow
from credex.db.models import Achievement, Endorsement, Issuer
from credex.errors import Conflict, Forbidden, NotFound
from credex.issuance.document import credential_issuer
from credex.issuers.public import issuer_identifier, issuer_profile
from credex.issuers.schemas import IssuerCreate
from credex.issuers.service import create_issuer
from credex.keys.signer import signer_for_issuer
from credex.settings import Settings
from credex.status_lists import allocation
from credex.status_lists.repository import mark_changed
from credex.status_lists.service import status_list_url

ENDORSER = "endorser"
MAX_INDEX_ATTEMPTS = 4


def endorsement_url(endorsement_id: uuid.UUID, base_url: str) -> str:
    return f"{base_url}/endorsements/{endorsement_id}"


def create_endorser(session: Session, data: IssuerCreate, settings: Settings) -> Issuer:
    """The organisation, its first keys and its did:web document, in one unit of work."""
    issuer = create_issuer(session, data, settings).issuer
    issuer.kind = ENDORSER
    session.flush()
    return issuer


def get_endorser(session: Session, endorser_id: uuid.UUID) -> Issuer:
    found = session.get(Issuer, endorser_id)
    if found is None or found.kind != ENDORSER:
        raise NotFound(f"no endorser {endorser_id}")
    return found


def create_endorser_token(
    session: Session, endorser_id: uuid.UUID, name: str | None
) -> IssuedToken:
    endorser = get_endorser(session, endorser_id)
    return create_token(
        session,
        role="endorser",
        name=name or f"{endorser.name} endorser token",
        issuer_id=endorser.id,
    )


def _endorsed(
    session: Session,
    settings: Settings,
    achievement_id: uuid.UUID | None,
    issuer_id: uuid.UUID | None,
) -> tuple[str, str, Achievement | None, Issuer | None]:
    """(endorsed id, its name) of a published achievement or a provider."""
    if achievement_id is not None:
        achievement = session.get(Achievement, achievement_id)
        if achievement is None or achievement.status != "published":
            raise NotFound(f"no published achievement {achievement_id}")
        name = str(
            achievement.name.get(achievement.language) or next(iter(achievement.name.values()))
        )
        return achievement_url(achievement.id, settings.base_url), name, achievement, None
    assert issuer_id is not None  # the schema asks for exactly one
    provider = session.get(Issuer, issuer_id)
    if provider is None or provider.kind != "provider":
        raise NotFound(f"no issuer {issuer_id}")
    return issuer_identifier(provider, settings.base_url), provider.name, None, provider


def endorse(
    session: Session,
    principal: Principal,
    settings: Settings,
    *,
    achievement_id: uuid.UUID | None,
    issuer_id: uuid.UUID | None,
    comment: str,
) -> Endorsement:
    """Sign and store one EndorsementCredential; it embeds in credentials issued from now on."""
    if principal.role != ENDORSER or principal.issuer_id is None:
        raise Forbidden("this action needs an endorser token")
    endorser = get_endorser(session, principal.issuer_id)
    endorsed_id, endorsed_name, achievement, provider = _endorsed(
        session, settings, achievement_id, issuer_id
    )
    signer = signer_for_issuer(session, endorser.id, settings)
    profile = credential_issuer(issuer_profile(endorser, settings.base_url))
    row_id = uuid.uuid4()
    lost: set[int] = set()
    for _ in range(MAX_INDEX_ATTEMPTS):
        status_list, index = allocation.allocate(session, endorser.id, lost)
        unsigned = build_endorsement_credential(
            credential_id=endorsement_url(row_id, settings.base_url),
            issuer=Profile.model_validate(profile),
            endorsed_id=endorsed_id,
            name=f"Endorsement of {endorsed_name} by {endorser.name}",
            valid_from=utcnow().replace(microsecond=0),
            comment=comment,
            credential_status=build_status_entry(
                list_credential_url=status_list_url(status_list.id, settings.base_url),
                index=index,
            ),
        )
        row = Endorsement(
            id=row_id,
            endorser_id=endorser.id,
            achievement_id=achievement.id if achievement else None,
            endorsed_issuer_id=provider.id if provider else None,
            comment=comment,
            content=json.dumps(sign_credential(unsigned, signer), ensure_ascii=False),
            status_list_id=status_list.id,
            status_index=index,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # a concurrent endorsement took the index
            lost.add(index)
            continue
        audit.record(
            session,
            action="endorsement.created",
            actor=actor_label(principal),
            issuer_id=provider.id if provider else (achievement.issuer_id if achievement else None),
            details={"endorsement_id": str(row.id), "endorser": endorser.name, "of": endorsed_id},
        )
        return row
    raise Conflict("no free status list index could be found; retry")


def withdraw(session: Session, principal: Principal, endorsement_id: uuid.UUID) -> Endorsement:
    row = session.get(Endorsement, endorsement_id, with_for_update=True)
    if row is None or principal.role != ENDORSER or row.endorser_id != principal.issuer_id:
        raise NotFound(f"no endorsement {endorsement_id}")
    if row.withdrawn_at is not None:
        raise Conflict("this endorsement is already withdrawn")
    row.withdrawn_at = utcnow()
    mark_changed(session, row.status_list_id)
    audit.record(
        session,
        action="endorsement.withdrawn",
        actor=actor_label(principal),
        issuer_id=row.endorsed_issuer_id,
        details={"endorsement_id": str(row.id)},
    )
    session.flush()
    return row


def published(session: Session, endorsement_id: uuid.UUID) -> dict[str, Any]:
    row = session.get(Endorsement, endorsement_id)
    if row is None:
        raise NotFound(f"no endorsement {endorsement_id}")
    content: dict[str, Any] = json.loads(row.content)
    return content
