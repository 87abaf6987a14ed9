"""Account erasure (`credex.wallet.account.delete_account`) removes the wallet-delivery traces:
open offers end, codes and access tokens naming the address go, recorded holder keys go, and
queued issuance e-mails are not sent (the address is about to become a hash)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from credex.db.base import utcnow
from credex.db.models import (
    CredentialDelivery,
    CredentialNotification,
    CredentialOffer,
    OAuthAccessToken,
    OAuthCode,
)


def erase_deliveries(session: Session, credential_ids: Sequence[uuid.UUID], email: str) -> None:
    now = utcnow()
    session.execute(
        update(CredentialOffer)
        .where(CredentialOffer.credential_id.in_(credential_ids), CredentialOffer.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    for model in (OAuthCode, OAuthAccessToken):
        session.execute(
            delete(model)
            .where(or_(model.credential_id.in_(credential_ids), model.learner_email == email))
            .execution_options(synchronize_session=False)
        )
    session.execute(
        delete(CredentialDelivery)
        .where(CredentialDelivery.credential_id.in_(credential_ids))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CredentialNotification)
        .where(
            CredentialNotification.credential_id.in_(credential_ids),
            CredentialNotification.state == "pending",
        )
        .values(state="skipped")
        .execution_options(synchronize_session=False)
    )
