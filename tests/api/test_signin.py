"""Passwordless sign-in: a magic link to the address, redeemed once for a learner token."""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from credex.db.base import utcnow
from credex.db.models import ApiToken, MagicLink, OutboxMessage
from credex.db.session import Database
from credex.settings import Settings
from credex.signin import mailer
from tests.api.test_issuance_support import count
from tests.api.test_wallet_support import ANA, two_issuer_wallet

LINK = re.compile(r"http://testserver/wallet/signin/([A-Za-z0-9_-]+)")


def ask(client: TestClient, email: str = ANA) -> Any:
    return client.post("/api/v1/signin/magic-link", json={"email": email})


def code_from_outbox(database: Database, email: str = ANA) -> str:
    with database.unit_of_work() as session:
        message = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.created_at.desc())
        ).first()
        assert message is not None
        assert message.kind == "magic_link"
        found = LINK.search(message.body)
        assert found, message.body
        return found.group(1)


def redeem(client: TestClient, code: str) -> Any:
    return client.post("/api/v1/signin/token", json={"code": code})


def test_a_magic_link_signs_the_learner_into_their_wallet_once(
    client: TestClient, database: Database, settings: Settings
) -> None:
    w = two_issuer_wallet(client, database, settings)
    asked = ask(client, "  Ana@Example.org ")
    assert asked.status_code == 202
    assert asked.json()["expires_in_minutes"] == 15
    code = code_from_outbox(database)
    signed_in = redeem(client, code)
    assert signed_in.status_code == 201, signed_in.text
    body = signed_in.json()
    assert body["email"] == ANA
    assert body["token_type"] == "Bearer"
    headers = {"Authorization": f"Bearer {body['token']}"}
    items = client.get("/api/v1/wallet/credentials", headers=headers).json()["items"]
    assert {item["id"] for item in items} == w.ana_ids
    again = redeem(client, code)
    assert again.status_code == 401
    assert again.headers["content-type"] == "application/problem+json"
    with database.unit_of_work() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.name == "wallet sign-in"))
        assert token is not None
        assert token.learner_email == ANA  # named "wallet sign-in", never by the address
        assert token.expires_at is not None
        assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
        link = session.scalar(select(MagicLink))
        assert link is not None
        assert code not in (link.code_hash, link.email)  # only a hash of the code is kept


def test_unknown_addresses_get_the_same_answer(client: TestClient, database: Database) -> None:
    known_or_not = ask(client, "nobody@example.org")
    assert known_or_not.status_code == 202
    assert known_or_not.json()["detail"].startswith("if this address can receive mail")
    assert count(database, OutboxMessage) == 1


def test_expired_and_unknown_codes_are_refused(client: TestClient, database: Database) -> None:
    ask(client)
    code = code_from_outbox(database)
    with database.unit_of_work() as session:
        session.execute(update(MagicLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert redeem(client, code).status_code == 401
    assert redeem(client, "made-up").status_code == 401
    assert count(database, ApiToken) == 0


def test_bad_requests_say_which_field(client: TestClient, database: Database) -> None:
    for body, pointer in (
        ({"email": "not an address"}, "/email"),
        ({}, "/email"),
        ({"email": ANA, "extra": 1}, "/extra"),
    ):
        response = client.post("/api/v1/signin/magic-link", json=body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == pointer
    assert (
        client.post("/api/v1/signin/token", json={"code": ""}).json()["errors"][0]["pointer"]
        == "/code"
    )
    assert count(database, MagicLink) == 0


def test_an_address_gets_a_few_links_an_hour(client: TestClient, database: Database) -> None:
    for _ in range(5):
        assert ask(client).status_code == 202
    limited = ask(client)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "3600"
    assert ask(client, "someone.else@example.org").status_code == 202
    assert count(database, MagicLink) == 6


class FakeSMTP:
    sent: list[EmailMessage]
    fail = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.calls: list[str] = [f"connect {host}:{port}"]

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *args: object) -> None:
        return None

    def starttls(self, context: object) -> None:
        self.calls.append("starttls")

    def login(self, user: str, password: str) -> None:
        FakeSMTP.logins.append((user, password))

    def send_message(self, message: EmailMessage) -> None:
        if FakeSMTP.fail:
            raise smtplib.SMTPRecipientsRefused({})
        FakeSMTP.sent.append(message)

    logins: list[tuple[str, str]]


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> type[FakeSMTP]:
    FakeSMTP.sent, FakeSMTP.logins, FakeSMTP.fail = [], [], False
    monkeypatch.setattr(mailer.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(settings, "smtp_url", "smtp://mailer:s%40cret@mail.example:2525")
    monkeypatch.setattr(settings, "mail_from", "Wallet <wallet@credex.example>")
    return FakeSMTP


def test_with_smtp_configured_the_link_is_mailed_not_kept(
    client: TestClient, database: Database, smtp: type[FakeSMTP]
) -> None:
    assert ask(client).status_code == 202
    assert count(database, OutboxMessage) == 0
    (message,) = smtp.sent
    assert message["To"] == ANA
    assert message["From"] == "Wallet <wallet@credex.example>"
    assert LINK.search(message.get_content())
    assert smtp.logins == [("mailer", "s@cret")]


def test_a_mail_failure_is_a_503_and_leaves_nothing_behind(
    client: TestClient, database: Database, smtp: type[FakeSMTP]
) -> None:
    smtp.fail = True
    response = ask(client)
    assert response.status_code == 503
    assert response.json()["detail"] == "the sign-in mail could not be sent; try again later"
    assert count(database, MagicLink) == 0


def test_smtp_urls_are_understood() -> None:
    server = mailer.parse_smtp_url("smtps://user@mail.example")
    assert (server.scheme, server.host, server.port, server.username) == (
        "smtps",
        "mail.example",
        465,
        "user",
    )
    assert mailer.parse_smtp_url("smtp+plain://relay").port == 25
    with pytest.raises(mailer.MailUnavailable):
        mailer.parse_smtp_url("http://mail.example")
