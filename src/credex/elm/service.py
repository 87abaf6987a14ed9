"""ELM renderings of a credential: made on first request, signed, stored, then served as stored.

"EDC-W3C" form (`elm`): the ELM credential with a Data Integrity `eddsa-rdfc-2022` proof by the
issuer's active key (canonicalized on the general path: the fast path's templates are OB
shapes). JAdES form (`elm-jades`): that signed document sealed with the issuer's e-seal
certificate and P-256 key, when the issuer has uploaded one (no certificate, no seal).
Both are stored in `credential_renderings` once made; a concurrent first request loses the
insert race and serves the winner's row.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.auth.principal import Principal
from credex.core.elm.builder import build_elm_credential
from credex.core.proofs import add_proof
from credex.db.base import utcnow
from credex.db.models import Achievement, Credential, CredentialRendering
from credex.elm import seals
from credex.elm.facts import elm_facts
from credex.errors import NotFound
from credex.issuance import lifecycle
from credex.issuance.service import public_credential
from credex.issuance.sql import insert_unless_conflict
from credex.keys.signer import signer_for_issuer
from credex.settings import Settings
from credex.wallet import repository as wallet_repository
from credex.wallet.badge_image import generated_badge_png_in

ELM_FORM = "elm"
JADES_FORM = "elm-jades"
ELM_MEDIA_TYPE = "application/ld+json"
JADES_MEDIA_TYPE = "application/jose+json"


def issuer_rendering(
    session: Session, principal: Principal, credential_id: uuid.UUID, settings: Settings, form: str
) -> str:
    credential = lifecycle.get_credential(session, principal, credential_id)
    return rendering(session, credential, settings, form)


def wallet_rendering(
    session: Session, principal: Principal, credential_id: uuid.UUID, settings: Settings, form: str
) -> str:
    credential = wallet_repository.find_credential(session, principal, credential_id)
    if credential is None:
        raise NotFound(f"no credential {credential_id} in this wallet")
    return rendering(session, credential, settings, form)


def public_rendering(
    session: Session, credential_id: uuid.UUID, settings: Settings, form: str
) -> str:
    credential = public_credential(session, credential_id)
    if credential is None:
        raise NotFound(f"no public credential {credential_id}")
    return rendering(session, credential, settings, form)


def rendering(session: Session, credential: Credential, settings: Settings, form: str) -> str:
    """The stored rendering, made (and stored) first if this is the first request for it."""
    stored = _stored(session, credential.id, form)
    if stored is not None:
        return stored
    if form == JADES_FORM:
        seal = seals.issuer_seal(session, credential.issuer_id)
        if seal is None:
            raise NotFound("this issuer has no e-seal: the ELM credential is not JAdES-sealed")
        signed = rendering(session, credential, settings, ELM_FORM)
        content = seals.seal_document(seal, signed, settings, utcnow())
    else:
        content = sign_elm(session, credential, settings, utcnow())
    row = insert_unless_conflict(
        session,
        CredentialRendering,
        {
            "id": uuid.uuid4(),
            "credential_id": credential.id,
            "form": form,
            "content": content,
            "created_at": utcnow(),
        },
    )
    if row is None:  # another request stored it first: serve that one, byte for byte
        winner = _stored(session, credential.id, form)
        assert winner is not None
        return winner
    return content


def sign_elm(session: Session, credential: Credential, settings: Settings, now: datetime) -> str:
    facts = elm_facts(session, credential, settings.base_url)
    achievement = session.get(Achievement, credential.achievement_id)
    assert achievement is not None
    images = {
        tag: generated_badge_png_in(achievement, tag)
        for tag in facts.achievement.specification.languages
    }
    unsigned = build_elm_credential(facts, images)
    signer = signer_for_issuer(session, credential.issuer_id, settings)
    signed = add_proof(unsigned, signer, created=now.replace(microsecond=0))
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def _stored(session: Session, credential_id: uuid.UUID, form: str) -> str | None:
    content: str | None = session.scalar(
        select(CredentialRendering.content).where(
            CredentialRendering.credential_id == credential_id, CredentialRendering.form == form
        )
    )
    return content
