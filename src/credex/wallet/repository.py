"""Queries for wallet data. Every query for a person's data starts from `credentials_of_person`
or `learners_of_person`, so learner isolation lives here.

A learner is one person across issuers: the issuer-scoped `Learner` rows that carry the address
the learner token was issued for (a verified address: magic link, or an operator's CLI token).
Anything not reachable from those rows is invisible, and callers turn that into 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, aliased

from credex.auth.principal import Principal
from credex.db.models import (
    Achievement,
    Award,
    AwardComponent,
    Credential,
    Issuer,
    Learner,
    ShareLink,
)
from credex.keys.compromise import signed_while_compromised
from credex.web.templating import localized


@dataclass(frozen=True)
class WalletEntry:
    """One credential in a wallet, with the rows that describe it."""

    credential: Credential
    achievement: Achievement
    issuer: Issuer
    learner: Learner
    # Names of the components of a stacked credential that their issuer has since revoked.
    revoked_components: tuple[str, ...] = ()
    # Signed with one of its issuer's keys after that key was reported compromised.
    key_compromised: bool = False


def person_email(principal: Principal) -> str | None:
    """The verified address a learner token stands for (None for every other role)."""
    if principal.role != "learner" or not principal.learner_email:
        return None
    return principal.learner_email.strip().lower()


def learners_of_person(principal: Principal) -> Select[Learner]:
    email = person_email(principal)
    if email is None:
        return select(Learner).where(false())
    return select(Learner).where(Learner.email == email)


def credentials_of_person(principal: Principal) -> Select[Credential]:
    email = person_email(principal)
    stmt = select(Credential).join(Learner, Learner.id == Credential.learner_id)
    if email is None:
        return stmt.where(false())
    return stmt.where(Learner.email == email)


def find_credential(
    session: Session, principal: Principal, credential_id: uuid.UUID, *, for_update: bool = False
) -> Credential | None:
    stmt = credentials_of_person(principal).where(Credential.id == credential_id)
    if for_update:
        stmt = stmt.with_for_update(of=Credential)
    return session.scalar(stmt)


def entries(session: Session, credentials: Sequence[Credential]) -> list[WalletEntry]:
    """The achievement, issuer and learner rows of `credentials` (one query), in their order."""
    if not credentials:
        return []
    rows = session.execute(
        select(Credential.id, Achievement, Issuer, Learner)
        .join(Achievement, Achievement.id == Credential.achievement_id)
        .join(Issuer, Issuer.id == Credential.issuer_id)
        .join(Learner, Learner.id == Credential.learner_id)
        .where(Credential.id.in_([credential.id for credential in credentials]))
    ).all()
    related = {row[0]: (row[1], row[2], row[3]) for row in rows}
    revoked = revoked_components(session, [credential.id for credential in credentials])
    compromised = signed_while_compromised(session, credentials)
    return [
        WalletEntry(
            credential,
            *related[credential.id],
            tuple(revoked.get(credential.id, ())),
            key_compromised=credential.id in compromised,
        )
        for credential in credentials
    ]


def revoked_components(
    session: Session, credential_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """For each stacked credential, the achievement names of its revoked components (one query)."""
    component = aliased(Credential)
    rows = session.execute(
        select(Award.credential_id, Achievement.name, Achievement.language)
        .join(AwardComponent, AwardComponent.award_id == Award.id)
        .join(component, component.id == AwardComponent.credential_id)
        .join(Achievement, Achievement.id == component.achievement_id)
        .where(Award.credential_id.in_(credential_ids), component.status == "revoked")
        .order_by(Award.credential_id, AwardComponent.position)
    ).all()
    found: dict[uuid.UUID, list[str]] = {}
    for stacked_id, name, language in rows:
        if stacked_id is not None:
            found.setdefault(stacked_id, []).append(localized(name, language) or "Achievement")
    return found


def all_credentials(session: Session, principal: Principal) -> Sequence[Credential]:
    """Every credential of the person, newest first (exports; a person holds a few hundred)."""
    stmt = credentials_of_person(principal).order_by(
        Credential.created_at.desc(), Credential.id.desc()
    )
    return session.scalars(stmt).all()


def share_links_of_person(principal: Principal) -> Select[ShareLink]:
    visible = credentials_of_person(principal).with_only_columns(Credential.id)
    return select(ShareLink).where(ShareLink.credential_id.in_(visible.scalar_subquery()))
