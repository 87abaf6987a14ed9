"""Sending mail: over SMTP when `CREDEX_SMTP_URL` is set, else into the `outbox` table and the log.

The outbox lets development and tests read what would have been mailed (the magic link) without
a mail server. The link is written to the log only outside production: a sign-in secret in
production logs would let anyone who reads logs into any wallet.

`CREDEX_SMTP_URL` forms: `smtps://user:pass@host:465` (implicit TLS), `smtp://…:587` (STARTTLS,
required) and `smtp+plain://host:25` (no TLS; local relays only).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from credex.db.models import OutboxMessage
from credex.errors import CredexError
from credex.settings import Settings

logger = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 10
_DEFAULT_PORTS = {"smtps": 465, "smtp": 587, "smtp+plain": 25}
_WHAT = {"magic_link": "sign-in mail"}


class MailUnavailable(CredexError):
    status = 503
    slug = "mail-unavailable"
    title = "Mail could not be sent"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    kind: str
    html: str | None = None  # an HTML alternative to `body`
    # Pictures the HTML shows as `cid:<name>` (PNG), and extra headers (List-Unsubscribe).
    images: tuple[tuple[str, bytes], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise MailUnavailable("CREDEX_SMTP_URL must be smtp://, smtps:// or smtp+plain://host")
    return SmtpServer(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or _DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def deliver(session: Session, settings: Settings, mail: Mail) -> None:
    if settings.smtp_url:
        send_smtp(parse_smtp_url(settings.smtp_url), settings.mail_from, mail)
        return
    session.add(
        OutboxMessage(
            to_address=mail.to,
            subject=mail.subject,
            body=mail.body,
            html=mail.html,
            kind=mail.kind,
        )
    )
    if settings.env == "production":
        logger.warning("no SMTP server configured: %s mail kept in the outbox table", mail.kind)
    else:
        logger.info("outbox (%s) to %s: %s\n%s", mail.kind, mail.to, mail.subject, mail.body)


def send_smtp(server: SmtpServer, sender: str, mail: Mail) -> None:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.body)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
        html_part = message.get_body(preferencelist=("html",))
        for cid, png in mail.images:
            assert html_part is not None  # just added
            html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>")
    context = ssl.create_default_context()
    try:
        if server.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS)
        with client:
            if server.scheme == "smtp":
                client.starttls(context=context)
            if server.username:
                client.login(server.username, server.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("mail to the SMTP server failed: %s", type(exc).__name__)
        raise MailUnavailable(
            f"the {_WHAT.get(mail.kind, 'mail')} could not be sent; try again later"
        ) from exc
