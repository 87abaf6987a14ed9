"""Issuance notifications: queued with the credential, mailed once, throttled, retried,
unsubscribable, in the achievement's language, with an offer a wallet can use."""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from credex.db.models import CredentialNotification, OutboxMessage
from credex.db.session import Database
from credex.jobs.runner import run_pending_jobs
from credex.notifications.sender import send_due
from credex.settings import Settings
from tests.api.test_issuance_support import Tenant, issue, make_achievement, make_tenant
from tests.api.test_stacking_support import create_rule, issue_component, leaf, make_stack
from tests.api.test_wallet_support import learner_headers
from tests.wallet.oid4vci_wallet import Wallet

KIND = "credential_issued"
DEEP_LINK = re.compile(r"openid-credential-offer://\?credential_offer_uri=\S+")


def mails(database: Database, to: str | None = None) -> list[OutboxMessage]:
    with database.unit_of_work() as session:
        stmt = select(OutboxMessage).where(OutboxMessage.kind == KIND)
        if to is not None:
            stmt = stmt.where(OutboxMessage.to_address == to)
        return list(session.scalars(stmt.order_by(OutboxMessage.created_at)))


def states(database: Database) -> dict[uuid.UUID, str]:
    with database.unit_of_work() as session:
        rows = session.scalars(select(CredentialNotification))
        return {row.credential_id: row.state for row in rows}


def test_single_issuance_mails_once_and_the_offer_works(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, "ana@example.org")
    assert mails(database) == []  # queued in the issuing transaction, sent in the background
    assert states(database) == {uuid.UUID(issued["id"]): "pending"}
    assert send_due(database, settings) == 1
    assert send_due(database, settings) == 0
    [mail] = mails(database, "ana@example.org")
    assert (
        mail.subject
        == "Creative Skills Lab awarded you “Digital storytelling for cultural heritage”"
    )
    assert f"http://testserver/wallet/credentials/{issued['id']}" in mail.body
    assert "/notifications/unsubscribe/" in mail.body
    assert mail.html is not None
    assert 'src="cid:offer-qr"' in mail.html
    assert states(database) == {uuid.UUID(issued["id"]): "sent"}

    found = DEEP_LINK.search(mail.body)
    assert found
    wallet = Wallet(client)
    offer = wallet.resolve_offer(found.group(0))
    metadata = wallet.issuer_metadata(offer["credential_issuer"])
    code = client.post(
        f"/api/v1/wallet/credentials/{issued['id']}/emailed-offer/tx-code",
        headers=learner_headers(database, "ana@example.org"),
    )
    assert code.status_code == 200, code.text
    token = wallet.pre_authorized_token(wallet.as_metadata(metadata), offer, code.json()["tx_code"])
    assert token.status_code == 200, token.text
    result = wallet.fetch(metadata, token.json()["access_token"], f"{tenant.achievement_id}_ldp_vc")
    assert result["credentials"][0]["credential"] == issued["credential"]


def test_bulk_issuance_mails_each_learner_once(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    items: list[dict[str, Any]] = [
        {"learner": {"email": f"learner{n}@example.org", "name": f"Learner {n}"}}
        for n in range(1, 5)
    ]
    items[3]["notify"] = False  # this row asked for no mail
    response = client.post(
        "/api/v1/credentials/batch",
        json={"items": items, "achievement_id": str(tenant.achievement_id)},
        headers=tenant.headers,
    )
    assert response.status_code == 202, response.text
    run_pending_jobs(database, settings)
    assert len(states(database)) == 3
    send_due(database, settings)
    send_due(database, settings)
    addresses = sorted(mail.to_address for mail in mails(database))
    assert addresses == [f"learner{n}@example.org" for n in range(1, 4)]


def test_throttled_retried_and_switched_off(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    for n in range(3):
        issue(client, tenant, f"l{n}@example.org")
    slow = settings.model_copy(update={"notify_per_minute": 2})
    assert send_due(database, slow) == 2
    assert send_due(database, slow) == 0  # this minute's budget is spent
    assert len(mails(database)) == 2

    quiet = issue(client, tenant, "quiet@example.org", notify=False)
    off = client.put(
        f"/api/v1/achievements/{tenant.achievement_id}/notifications",
        json={"notify_learners": False},
        headers=tenant.headers,
    )
    assert off.status_code == 200, off.text
    assert off.json()["notify_learners"] is False
    silent = issue(client, tenant, "silent@example.org")
    assert uuid.UUID(quiet["id"]) not in states(database)
    assert uuid.UUID(silent["id"]) not in states(database)

    other = make_tenant(database, settings, "Mail Down Academy")
    down = issue(client, other, "down@example.org")
    broken = settings.model_copy(
        update={"smtp_url": "smtp+plain://127.0.0.1:9", "notify_max_attempts": 2}
    )
    send_due(database, broken)
    with database.unit_of_work() as session:
        row = session.scalars(
            select(CredentialNotification).where(
                CredentialNotification.credential_id == uuid.UUID(down["id"])
            )
        ).one()
        assert (row.state, row.attempts) == ("pending", 1)
        assert row.last_error
        row.next_attempt_at = row.created_at  # due again now
    send_due(database, broken)
    assert states(database)[uuid.UUID(down["id"])] == "failed"


def test_unsubscribe_is_honoured(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    issue(client, tenant, "ana@example.org")
    send_due(database, settings)
    [mail] = mails(database)
    found = re.search(r"http://testserver(/notifications/unsubscribe/\S+)", mail.body)
    assert found
    page = client.get(found.group(1))
    assert page.status_code == 200
    assert "Unsubscribe" in page.text
    forged = client.post(found.group(1)[:-4] + "0000")
    assert forged.status_code == 404
    assert client.post(found.group(1)).status_code == 200
    later = issue(client, tenant, "ana@example.org")
    send_due(database, settings)
    assert len(mails(database)) == 1
    assert states(database)[uuid.UUID(later["id"])] == "skipped"


def test_language_and_stacked_credentials(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    italian = make_achievement(
        database,
        tenant.issuer_id,
        language="it",
        name={"it": "Narrazione digitale", "en": "Digital storytelling"},
        description={"it": "Raccontare il patrimonio.", "en": "Tell heritage stories."},
    )
    issue(client, Tenant(tenant.issuer_id, italian, tenant.headers), "gio@example.org")
    stack = make_stack(database, settings)
    create_rule(client, stack, {"type": "n_of", "n": 1, "of": [leaf(stack.component_ids[0])]})
    issue_component(client, stack, 0, email="sam@example.org")
    send_due(database, settings)
    [mail] = mails(database, "gio@example.org")
    assert mail.subject == "Creative Skills Lab ti ha conferito «Narrazione digitale»"
    subjects = sorted(mail.subject for mail in mails(database, "sam@example.org"))
    assert subjects == [
        "Stack Lab awarded you “Digital entrepreneurship”",  # the stacked credential
        "Stack Lab awarded you “Storytelling”",
    ]


def test_the_switch_is_created_read_and_carried_to_a_new_version(
    client: TestClient, database: Database, settings: Settings
) -> None:
    tenant = make_tenant(database, settings)
    path = f"/api/v1/achievements/{tenant.achievement_id}"
    assert client.get(path, headers=tenant.headers).json()["notify_learners"] is True
    off = client.put(
        f"{path}/notifications", json={"notify_learners": False}, headers=tenant.headers
    )
    assert off.status_code == 200, off.text
    version = client.post(f"{path}/versions", json={}, headers=tenant.headers)
    assert version.status_code == 201, version.text
    assert version.json()["notify_learners"] is False
    other = make_tenant(database, settings, "Other Lab")
    foreign = client.put(
        f"{path}/notifications", json={"notify_learners": True}, headers=other.headers
    )
    assert foreign.status_code == 404


def test_the_database_refuses_a_second_notification_for_one_credential(
    client: TestClient, database: Database, settings: Settings
) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    from credex.notifications.queue import enqueue

    tenant = make_tenant(database, settings)
    issued = issue(client, tenant, "ana@example.org")
    with pytest.raises(IntegrityError), database.unit_of_work() as session:
        enqueue(session, [uuid.UUID(issued["id"])])
    send_due(database, settings)
    assert len(mails(database)) == 1
