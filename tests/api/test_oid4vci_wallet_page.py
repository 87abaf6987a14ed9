"""The wallet page's "Add to a wallet": a QR offer whose code goes by e-mail, the code of the
e-mailed offer shown on the page, and the record of deliveries (form, time, key thumbprint)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.db.models import OutboxMessage
from credex.db.session import Database
from credex.notifications.sender import send_due
from credex.settings import Settings
from tests.api.test_issuance_support import issue, make_tenant
from tests.api.test_wallet_web import csrf_of, signed_in
from tests.wallet.oid4vci_wallet import Wallet

LINK = re.compile(r'href="(openid-credential-offer://[^"]+)"')


def last_mail(database: Database, kind: str) -> OutboxMessage:
    with database.unit_of_work() as session:
        message = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.created_at.desc())
        ).first()
        assert message is not None
        return message


def test_add_to_a_wallet_from_the_page(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, "ana@example.org")
    signed_in(client, database)
    path = f"/wallet/credentials/{issued['id']}"
    page = client.get(path)
    assert page.status_code == 200
    assert "Add to a wallet" in page.text
    assert "Open Badges 3.0 (VC-JWT)" in page.text
    assert "Not delivered to any wallet app yet." in page.text

    shown = client.post(f"{path}/offers", data={"csrf_token": csrf_of(page.text)})
    assert shown.status_code == 200, shown.text
    assert '<svg role="img"' in shown.text
    found = LINK.search(shown.text)
    assert found
    code = re.search(r"\b(\d{6})\b", last_mail(database, "offer_code").body)
    assert code
    wallet = Wallet(client)
    offer = wallet.resolve_offer(html.unescape(found.group(1)))
    metadata = wallet.issuer_metadata(offer["credential_issuer"])
    token = wallet.pre_authorized_token(wallet.as_metadata(metadata), offer, code.group(1))
    assert token.status_code == 200, token.text
    wallet.fetch(metadata, token.json()["access_token"], f"{tenant.achievement_id}_jwt_vc_json")

    after = client.get(path)
    assert "Delivered to wallets" in after.text
    assert wallet.key.thumbprint() in after.text
    assert "jwt_vc_json" in after.text

    forged = client.post(f"{path}/offers", data={"csrf_token": "nope"})
    assert forged.status_code == 403


def test_the_code_of_the_emailed_offer_is_on_the_page(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, "ana@example.org")
    send_due(database, settings)
    signed_in(client, database)
    path = f"/wallet/credentials/{issued['id']}"
    page = client.get(path)
    assert "Show the code for the offer we e-mailed you" in page.text
    shown = client.post(f"{path}/emailed-offer-code", data={"csrf_token": csrf_of(page.text)})
    assert shown.status_code == 200, shown.text
    code = re.search(r'<code id="emailed-code">(\d{6})</code>', shown.text)
    assert code
    link = re.search(
        r"openid-credential-offer://\S+", last_mail(database, "credential_issued").body
    )
    assert link
    wallet = Wallet(client)
    offer = wallet.resolve_offer(link.group(0))
    server = wallet.as_metadata(wallet.issuer_metadata(offer["credential_issuer"]))
    assert wallet.pre_authorized_token(server, offer, code.group(1)).status_code == 200
    # Another person's credential: not found.
    signed_in(client, database, "bob@example.org")
    other = client.get(path)
    assert other.status_code == 404


def test_account_erasure_removes_delivery_traces(
    client: TestClient, database: Database, settings: Settings
) -> None:
    from credex.db.models import CredentialDelivery, CredentialNotification
    from tests.api.test_wallet_support import learner_headers

    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, "ana@example.org")
    headers = learner_headers(database, "ana@example.org")
    created = client.post(
        f"/api/v1/wallet/credentials/{issued['id']}/offers",
        json={"tx_code": False},
        headers=headers,
    ).json()
    wallet = Wallet(client)
    offer = wallet.resolve_offer(created["credential_offer_uri"])
    metadata = wallet.issuer_metadata(offer["credential_issuer"])
    token = wallet.pre_authorized_token(wallet.as_metadata(metadata), offer)
    wallet.fetch(metadata, token.json()["access_token"], f"{tenant.achievement_id}_jwt_vc_json")
    second = client.post(
        f"/api/v1/wallet/credentials/{issued['id']}/offers", headers=headers
    ).json()
    assert client.delete("/api/v1/wallet/account", headers=headers).status_code == 200
    with database.unit_of_work() as session:
        assert session.scalars(select(CredentialDelivery)).all() == []
        [queued] = session.scalars(select(CredentialNotification)).all()
        assert queued.state == "skipped"
    assert client.get(second["offer_url"].removeprefix("http://testserver")).status_code == 404
    assert send_due(database, settings) == 0
