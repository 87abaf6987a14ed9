"""What the wallet page shows under "Add to a wallet": the forms on offer, what was delivered
when (form, time, holder key thumbprint), and a fresh offer or transaction code when asked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.db.models import Credential, CredentialDelivery
from credex.oid4vci import offers
from credex.oid4vci.configurations import forms
from credex.settings import Settings
from credex.signin.mailer import Mail, deliver


@dataclass(frozen=True)
class Delivery:
    format: str
    delivered_at: datetime
    thumbprint: str | None
    event: str | None


@dataclass(frozen=True)
class NewOffer:
    link: str  # openid-credential-offer://…
    expires_at: datetime


@dataclass
class AddToWallet:
    forms: list[str]
    deliveries: list[Delivery]
    emailed_offer: bool
    new_offer: NewOffer | None = None
    emailed_code: str | None = None


def add_to_wallet(session: Session, credential: Credential) -> AddToWallet:
    rows = session.scalars(
        select(CredentialDelivery)
        .where(CredentialDelivery.credential_id == credential.id)
        .order_by(CredentialDelivery.delivered_at.desc())
        .limit(50)
    )
    return AddToWallet(
        forms=[form.label or form.name for form in forms()],
        deliveries=[
            Delivery(row.format, row.delivered_at, row.holder_key_thumbprint, row.event)
            for row in rows
        ],
        emailed_offer=offers.latest_offer(session, credential.id, "email") is not None,
    )


def screen_offer(
    session: Session, credential: Credential, email: str, settings: Settings
) -> NewOffer:
    """An offer to show as a QR code; its transaction code goes by e-mail (the other channel)."""
    links = offers.create_offer(
        session, credential, settings, channel="screen", lifetime=timedelta(minutes=15)
    )
    assert links.tx_code is not None
    deliver(
        session,
        settings,
        Mail(
            to=email,
            subject="Your code to add a credential to a wallet",
            body=(
                "Hello,\n\nThe wallet app asks for this code:\n\n"
                f"{links.tx_code}\n\nIt works once, for the QR code you have just asked for, "
                "within 15 minutes. If it was not you, ignore this message: nobody can use the "
                "code without your credex wallet.\n"
            ),
            kind="offer_code",
        ),
    )
    return NewOffer(links.credential_offer_uri, links.expires_at)


def emailed_offer_code(session: Session, credential_id: uuid.UUID) -> str | None:
    offer = offers.latest_offer(session, credential_id, "email")
    return offers.replace_tx_code(offer) if offer is not None else None
