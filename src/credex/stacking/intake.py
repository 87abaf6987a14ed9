"""A learner's credential from elsewhere: verified and kept, then whatever it completes is
awarded at once, in the same transaction (issue 13 §11), exactly as issuing a credential does.

Used by the issuer API (`POST /learners/{id}/external-credentials`) and the wallet's imports.
A credential kept unverified (its issuer's documents could not be fetched) awards nothing now;
it counts once a later evaluation re-checks it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from credex.db.models import ExternalCredential, Learner
from credex.settings import Settings
from credex.stacking.external import Raw, add_external_credential
from credex.stacking.pathways import evaluate_and_award


def add_and_award(
    session: Session, learner: Learner, raw: Raw, settings: Settings, *, actor: str
) -> ExternalCredential:
    stored = add_external_credential(session, learner.id, raw, settings)
    if stored.verified:
        evaluate_and_award(session, learner.issuer_id, learner.id, settings, actor=actor)
    return stored
