"""Importing credentials from elsewhere into the wallet, kept in the stacking store.

The learner gives the credential as JSON, a VC-JWT, a baked PNG/SVG, or a URL where it is
hosted. It is unwrapped here (images unbaked, URLs fetched through the guarded fetcher) and
handed to `credex.stacking.external.add_external_credential`, which verifies it (recipient = the
learner's address) and stores it exactly as received, with its verification status. It is kept
with the learner's record at each issuer that knows them (or the one issuer they name), which is
what lets those issuers' stacking rules count it.

Open Badges 2.0 assertions are accepted too: hosted JSON, a signed JWS, a baked PNG/SVG
carrying either (or the URL of a hosted one, which is fetched), or that URL itself. They are
verified with the OB 2.0 verifier and kept with format `ob2`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from credex.audit.actors import actor_label
from credex.auth.principal import Principal
from credex.core.baking import sniff_image_format, unbake
from credex.core.errors import CoreError
from credex.core.jwt import looks_like_jws
from credex.core.strict_json import loads_strict
from credex.db.models import AwardComponent, ExternalCredential, Issuer, Learner
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.settings import Settings
from credex.stacking.intake import add_and_award
from credex.verification.fetcher import FetchError, GuardedFetcher
from credex.verification.service import Submission
from credex.wallet import repository

Raw = str | Mapping[str, Any]


def _pointer(submission: Submission) -> str:
    return {"credential": "/credential", "jwt": "/jwt", "url": "/url"}.get(submission.kind, "/file")


def raw_credential(submission: Submission, fetcher: GuardedFetcher | None) -> Raw:
    """The credential to store, unwrapped from whatever form the learner gave it in."""
    pointer = _pointer(submission)
    if submission.kind == "presentation":
        raise InvalidInput(
            "import credentials one at a time, not a presentation",
            errors=[field_error("/presentation", "not accepted here")],
        )
    if isinstance(submission.data, dict):
        return submission.data
    if submission.kind == "url":
        return _from_bytes(_fetched(str(submission.data), fetcher, pointer), pointer, fetcher)
    data = submission.data
    return _from_bytes(data if isinstance(data, bytes) else data.encode("utf-8"), pointer, fetcher)


def _fetched(url: str, fetcher: GuardedFetcher | None, pointer: str) -> bytes:
    if fetcher is None:
        raise InvalidInput("URLs cannot be fetched", errors=[field_error(pointer, "offline")])
    try:
        return fetcher.fetch(url).content
    except FetchError as exc:
        raise InvalidInput(
            f"the credential could not be fetched: {exc}",
            errors=[field_error(pointer, str(exc))],
        ) from exc


def _from_bytes(data: bytes, pointer: str, fetcher: GuardedFetcher | None) -> Raw:
    """`fetcher`: follow an OB 2.0 bake that carries only its hosted assertion's URL (once)."""
    if sniff_image_format(data) is not None:
        try:
            baked = unbake(data)
        except CoreError as exc:
            raise InvalidInput(exc.detail, errors=[field_error(pointer, exc.detail)]) from exc
        if baked.kind == "ob2-url":
            return _from_bytes(_fetched(str(baked.value), fetcher, pointer), pointer, None)
        return baked.value
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError as exc:
        detail = "neither an image nor UTF-8 text"
        raise InvalidInput(detail, errors=[field_error(pointer, detail)]) from exc
    if looks_like_jws(text):
        return text
    try:
        value = loads_strict(text)
    except ValueError as exc:
        detail = f"not JSON, a VC-JWT or a baked badge image ({exc})"
        raise InvalidInput(detail, errors=[field_error(pointer, detail)]) from exc
    if not isinstance(value, dict):
        raise InvalidInput("not a credential", errors=[field_error(pointer, "not an object")])
    return text  # as received, byte for byte


def import_credential(
    session: Session,
    principal: Principal,
    submission: Submission,
    settings: Settings,
    *,
    fetcher: GuardedFetcher | None,
    issuer_id: uuid.UUID | None = None,
) -> list[ExternalCredential]:
    """Verify and keep the credential with the person's record at each (or one) issuer."""
    stmt = repository.learners_of_person(principal).order_by(Learner.created_at)
    if issuer_id is not None:
        stmt = stmt.where(Learner.issuer_id == issuer_id)
    learners = session.scalars(stmt).all()
    if not learners:
        if issuer_id is not None:
            raise NotFound(f"no issuer {issuer_id} holds a record of you")
        raise Conflict(
            "no issuer on this service knows you yet: imported credentials are kept with the "
            "records issuers hold of you, so they can count towards their pathways"
        )
    raw = raw_credential(submission, fetcher)
    actor = actor_label(principal)
    return [add_and_award(session, learner, raw, settings, actor=actor) for learner in learners]


def list_imported(
    session: Session, principal: Principal
) -> Sequence[tuple[ExternalCredential, Issuer]]:
    learner_ids = repository.learners_of_person(principal).with_only_columns(Learner.id)
    return session.execute(
        select(ExternalCredential, Issuer)
        .join(Issuer, Issuer.id == ExternalCredential.issuer_id)
        .where(ExternalCredential.learner_id.in_(learner_ids.scalar_subquery()))
        .order_by(ExternalCredential.created_at.desc(), ExternalCredential.id.desc())
    ).all()


def distinct_imported(session: Session, principal: Principal) -> list[ExternalCredential]:
    """Each imported credential once (it is kept once per issuer record of the person)."""
    seen: dict[str, ExternalCredential] = {}
    for row, _issuer in list_imported(session, principal):
        seen.setdefault(row.digest, row)
    return list(seen.values())


def export_records(session: Session, principal: Principal) -> list[dict[str, Any]]:
    return [
        {
            "id": str(row.id),
            "kept_with_issuer": {"id": str(issuer.id), "name": issuer.name},
            "format": row.format,
            "credential": row.content,
            "verified": row.verified,
            "checked_at": row.checked_at.isoformat(),
            "checks": row.checks,
        }
        for row, issuer in list_imported(session, principal)
    ]


def erase(session: Session, learner_ids: list[uuid.UUID]) -> tuple[int, int]:
    """Delete imported credentials; those an award was based on stay as its evidence.

    Returns (removed, kept).
    """
    if not learner_ids:
        return 0, 0
    rows = session.scalars(
        select(ExternalCredential.id).where(ExternalCredential.learner_id.in_(learner_ids))
    ).all()
    used = set(
        session.scalars(
            select(AwardComponent.external_credential_id).where(
                AwardComponent.external_credential_id.in_(rows)
            )
        ).all()
    )
    removable = [row for row in rows if row not in used]
    if removable:
        session.execute(
            delete(ExternalCredential)
            .where(ExternalCredential.id.in_(removable))
            .execution_options(synchronize_session=False)
        )
    return len(removable), len(rows) - len(removable)


def issuers_of(session: Session, rows: Sequence[ExternalCredential]) -> dict[uuid.UUID, Issuer]:
    ids = {row.issuer_id for row in rows}
    if not ids:
        return {}
    return {
        issuer.id: issuer for issuer in session.scalars(select(Issuer).where(Issuer.id.in_(ids)))
    }
